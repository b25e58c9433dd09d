"""The API reference builds, without warnings, and every reference in it and in the README holds."""
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("pdoc", reason="the docs extra is not installed (pip install -e '.[docs]')")

from mitchell.reports.render.reference import broken_references, build, module_names  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def test_reference_builds_without_warnings(tmp_path):
    # -W error: a module that warns on import, or a warning of pdoc's, fails the build.
    run = subprocess.run([sys.executable, "-W", "error", "-m", "mitchell.reports.render.reference",
                          tmp_path / "reference"], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert run.stderr == ""
    for name in module_names():
        page = tmp_path / "reference" / (name.replace(".", "/") + ".html")
        assert page.is_file(), f"no page for {name}"
    # Read offline: no script, style or font fetched from elsewhere.
    fetched = re.compile(r"""<(?:script|link|img)[^>]+(?:src|href)=["']https?:""")
    for page in (tmp_path / "reference").rglob("*.html"):
        assert not fetched.search(page.read_text()), page
    # A role's tilde (:class:`~a.b.C`) is not left as text before its link.
    page = (tmp_path / "reference" / "mitchell" / "rtl" / "mitchell.html").read_text()
    assert '<code><a href="../rtl.html#LeadingOneDetector">mitchell.rtl.lod.LeadingOneDetector' in page
    assert not any(re.search(r"<code>~<a ", page.read_text())
                   for page in (tmp_path / "reference").rglob("*.html"))


REFERENCE = "mitchell.reports.render.reference"


@pytest.mark.parametrize("setup, message", [
    ("pass", "'{output}' is not a folder"),
    ("sys.modules['pdoc'] = None", "pdoc is not installed: pip install -e '.[docs]'"),
])
def test_bad_input_is_one_line(tmp_path, setup, message):
    output = tmp_path / "a-file"
    output.write_text("kept")
    code = f"import runpy, sys; {setup}; sys.argv[1:] = [{str(output)!r}]; " \
           f"runpy.run_module({REFERENCE!r}, run_name='__main__')"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert run.returncode == 2
    assert run.stderr == f"python -m {REFERENCE}: {message.format(output=output)}\n"
    assert output.read_text() == "kept"


def test_every_module_is_named():
    # The walk finds the modules the package ships, rtl's behind its __all__ included.
    names = set(module_names())
    for folder, package in (("rtl", "mitchell.rtl"), ("sim", "mitchell.sim"),
                            ("reports", "mitchell.reports")):
        for path in (ROOT / folder).rglob("*.py"):
            parts = path.relative_to(ROOT / folder).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            elif parts[-1].startswith("_"):
                continue
            assert ".".join((package, *parts)) in names


def test_docstrings_and_readme_refer_to_real_objects():
    assert broken_references(texts=[("README.md", README)]) == []


def test_readme_paths_exist():
    paths = re.findall(r"`((?:rtl|sim|reports|tests|\.ci)/[\w./*-]*)`", README)
    assert paths
    for path in paths:
        assert any(ROOT.glob(path)), f"README.md names {path}, which does not exist"


@pytest.fixture
def planted(tmp_path, monkeypatch):
    (tmp_path / "planted").mkdir()
    (tmp_path / "planted" / "__init__.py").write_text('''"""A package with a broken reference.

Fine: :func:`mitchell.sim.golden.mitchell_product`, :class:`~mitchell.sim.design.Design`,
``mitchell.sim.golden``, :class:`.sibling.Thing`, :func:`numpy.multiply`.
Broken: :func:`mitchell.sim.golden.no_such_model`, ``mitchell.sim.nowhere``,
:class:`.nowhere.Thing`, :func:`numpy.no_such_function`.
"""
''')
    (tmp_path / "planted" / "sibling.py").write_text('''"""Refers to :class:`Thing` and to :meth:`Thing.gone`."""


class Thing:
    """Refers to :meth:`here` and :meth:`there`."""

    def here(self):
        pass
''')
    (tmp_path / "planted" / "broken.py").write_text('raise ImportError("planted")\n')
    monkeypatch.syspath_prepend(tmp_path)
    return tmp_path


def test_planted_broken_references_are_found(planted):
    text = ("text", "``mitchell.rtl.Nope``")
    assert broken_references(["planted", "planted.sibling"], texts=[text]) == [
        ("planted", "mitchell.sim.golden.no_such_model"),
        ("planted", ".nowhere.Thing"),
        ("planted", "numpy.no_such_function"),
        ("planted", "mitchell.sim.nowhere"),
        ("planted.sibling", "Thing.gone"),
        ("planted.sibling.Thing", "there"),
        ("text", "mitchell.rtl.Nope"),
    ]


def test_planted_import_failure_fails_the_build(planted, tmp_path):
    with pytest.raises(RuntimeError, match="planted.broken"):
        build(tmp_path / "reference", modules=["planted"])
