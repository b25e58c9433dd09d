"""The API reference: every module's docstring rendered as HTML by pdoc, its references checked.

Build it with ``pip install -e '.[docs]'``, then::

    python -m mitchell.reports.render.reference build/reference

and open ``build/reference/index.html``. Nothing is downloaded while it builds or when it is read
(no search index from a CDN, no MathJax). The command exits 1, naming each one, when a docstring
refers to something that does not exist: a role (``:mod:``, ``:class:``, ``:func:``, ``:meth:``,
``:attr:``, ``:data:``, ``:exc:``) or a backticked dotted name of the package (such as
``mitchell.sim.golden``) that resolves to no object: the names defined or imported where the
docstring is, relative names (``.golden``: a child module in a package, a sibling in a module)
and absolute ones.

pdoc leaves out the submodules of a package that lists ``__all__`` (as :mod:`mitchell.rtl` does
for its classes), so the modules are named to it one by one, found by walking the three packages.
"""
import argparse
import importlib
import pkgutil
import re
import sys
from pathlib import Path

try:
    import jinja2
    import pdoc
    import pdoc.doc
    import pdoc.extract
    import pdoc.render
    import pdoc.render_helpers
except ImportError:                     # the docs extra is not installed: main says so
    pdoc = None

__all__ = ["PACKAGES", "build", "broken_references", "module_names", "main"]

#: The packages of the reference, in the order of the import chain.
PACKAGES = ("mitchell.rtl", "mitchell.sim", "mitchell.reports")

_ROLE = re.compile(r":(?:mod|class|func|meth|attr|data|exc|obj):`([^`]+)`")
_DOTTED = re.compile(r"(?<!:)``?~?(mitchell(?:\.\w+)+)(?:\(\))?``?")


def module_names(packages=PACKAGES):
    """Every public module of ``packages``, the packages themselves first (a private one, such as
    a ``__main__`` that runs a command when imported, is left out, as pdoc leaves it out)."""
    names = []
    for package in packages:
        module = importlib.import_module(package)
        names.append(package)
        names.extend(info.name for info in pkgutil.walk_packages(module.__path__, f"{package}.")
                     if not info.name.rpartition(".")[2].startswith("_"))
    return names


def _full_names(context, docstring):
    # pdoc keeps the tilde of :class:`~a.b.C`, Sphinx's "show C only", as text before the link:
    # show the whole dotted name, linked, instead.
    return pdoc.render_helpers.to_markdown_with_context(context, docstring.replace(":`~", ":`"))


def build(output, *, modules=None):
    """Write the HTML reference of ``modules`` (default: :func:`module_names`) into ``output``."""
    modules = modules or module_names()
    # A module named twice is a pdoc warning: name only those the walk from the packages misses.
    packages = [name for name in modules if name in PACKAGES]
    walked = set(pdoc.extract.walk_specs(packages)) if packages else set()
    specs = [name for name in modules if name in PACKAGES or name not in walked]
    pdoc.render.configure(docformat="restructuredtext", search=False, math=False, mermaid=False)
    pdoc.render.env.filters["to_markdown"] = jinja2.pass_context(_full_names)
    pdoc.pdoc(*specs, output_directory=Path(output))


def _targets(text):
    for match in _ROLE.finditer(text):
        target = match.group(1)
        if "<" in target:                       # :func:`title <target>`
            target = target[target.index("<") + 1:target.rindex(">")]
        yield target
    yield from (match.group(1) for match in _DOTTED.finditer(text))


def _documented(modules, name):
    if name in modules:
        return True
    parts = name.split(".")
    for split in range(len(parts) - 1, 0, -1):
        module = modules.get(".".join(parts[:split]))
        if module is not None:
            return module.get(".".join(parts[split:])) is not None
    return False


def _importable(name):
    parts = name.split(".")
    for split in range(len(parts), 0, -1):
        try:
            target = importlib.import_module(".".join(parts[:split]))
        except ImportError:
            continue
        try:
            for attribute in parts[split:]:
                target = getattr(target, attribute)
        except AttributeError:
            return False
        return True
    return False


def _attribute(target, name):
    try:
        for attribute in name.split("."):
            target = getattr(target, attribute)
    except AttributeError:
        return False
    return True


def _resolves(name, modules, module=None, namespace=""):
    name = name.lstrip("~").removesuffix("()")
    if module is not None and name.startswith("."):
        # As pdoc links it: in a package, a child module; in a module, a sibling.
        parent = module.modulename if module.is_package else module.modulename.rpartition(".")[0]
        while name.startswith(".."):
            name = name[1:]
            parent = parent.rpartition(".")[0]
        name = parent + name
    elif module is not None:
        # A name of the module or of the class around the docstring, defined there or imported.
        scopes = [namespace, namespace.rpartition(".")[0], ""] if namespace else [""]
        for scope in scopes:
            if module.get(f"{scope}.{name}" if scope else name) is not None:
                return True
            if scope and not _attribute(module.obj, scope):
                continue
            target = module.obj
            for attribute in scope.split(".") if scope else []:
                target = getattr(target, attribute)
            if _attribute(target, name):
                return True
    return _documented(modules, name) or _importable(name)


def _docs(namespace):
    for member in namespace.own_members:
        yield member
        if isinstance(member, pdoc.doc.Class):
            yield from _docs(member)


def broken_references(modules=None, *, texts=()):
    """Each reference of the docstrings of ``modules`` (default: :func:`module_names`), and of the
    extra Markdown ``texts`` (``(label, text)`` pairs, such as the README), that resolves to no
    object, as ``(where, reference)`` pairs."""
    loaded = {name: pdoc.doc.Module.from_name(name) for name in (modules or module_names())}
    broken = []
    for module in loaded.values():
        for doc in [module, *_docs(module)]:
            if doc.taken_from[0] != module.modulename and doc.taken_from[0] in loaded:
                continue                        # re-exported: checked where it is defined
            if isinstance(doc, pdoc.doc.Module):
                namespace = ""
            elif isinstance(doc, pdoc.doc.Class):
                namespace = doc.qualname
            else:
                namespace = doc.qualname.rpartition(".")[0]
            for target in _targets(doc.docstring):
                if not _resolves(target, loaded, module, namespace):
                    broken.append((doc.fullname, target))
    for label, text in texts:
        for target in _targets(text):
            if not _resolves(target, loaded):
                broken.append((label, target))
    return broken


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m mitchell.reports.render.reference",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("output", help="folder to write the HTML reference into")
    output = Path(parser.parse_args(argv).output)
    if pdoc is None:
        parser.exit(2, f"{parser.prog}: pdoc is not installed: pip install -e '.[docs]'\n")
    if output.exists() and not output.is_dir():
        parser.exit(2, f"{parser.prog}: {str(output)!r} is not a folder\n")
    broken = broken_references()
    for where, target in broken:
        print(f"{where}: {target!r} refers to nothing", file=sys.stderr)
    if broken:
        return 1
    build(output)
    print(f"API reference written to {output / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
