"""A reader and writer for the Liberty files of standard-cell libraries (the subset they use:
groups, simple attributes ``name : value ;`` and complex attributes ``name (args) ;``).

It serves the standard-cell flow (:mod:`mitchell.reports.synthesis.asic`): the pin directions of each cell,
to read a mapped netlist, and the *power view* of a library that OpenSTA 2.0.17 needs to take
measured activities (see :func:`power_view`).
"""
import re
from dataclasses import dataclass, field

# Comments, line continuations, strings, punctuation, and any other run of characters.
_TOKEN = re.compile(r'/\*.*?\*/|\\\n|"(?:[^"\\]|\\.)*"|[(){}:;,]|[^\s(){}:;,"]+', re.S)


class LibertyError(Exception):
    """The text is not Liberty as this reader understands it."""


@dataclass
class Group:
    """A Liberty group, ``kind (args) { items }``.

    Members
    -------
    kind : str
        ``library``, ``cell``, ``pin``, ``internal_power``, ...
    args : list[str]
        its arguments, as written (quoted strings keep their quotes).
    items : list
        its statements in order: a :class:`Group`, ``(name, value)`` for a simple attribute
        (value as written), or ``(name, [args])`` for a complex one.
    """

    kind: str
    args: list[str]
    items: list = field(default_factory=list)

    def groups(self, kind: str) -> list["Group"]:
        return [item for item in self.items if isinstance(item, Group) and item.kind == kind]

    def attribute(self, name: str) -> str | None:
        """A simple attribute's value, unquoted; None if absent."""
        for item in self.items:
            if isinstance(item, tuple) and item[0] == name and isinstance(item[1], str):
                return item[1].strip('"')
        return None

    def set_attribute(self, name: str, value: str) -> None:
        for index, item in enumerate(self.items):
            if isinstance(item, tuple) and item[0] == name and isinstance(item[1], str):
                self.items[index] = (name, value)
                return
        raise KeyError(name)

    def write(self, indent: str = "") -> str:
        lines = [f"{indent}{self.kind} ({', '.join(self.args)}) {{"]
        for item in self.items:
            if isinstance(item, Group):
                lines.append(item.write(indent + "  "))
            elif isinstance(item[1], str):
                lines.append(f"{indent}  {item[0]} : {item[1]} ;")
            else:
                lines.append(f"{indent}  {item[0]} ({', '.join(item[1])}) ;")
        lines.append(f"{indent}}}")
        return "\n".join(lines)


def parse(text: str) -> Group:
    """The top group (``library``) of a Liberty text."""
    tokens = [t for t in _TOKEN.findall(text) if not t.startswith("/*") and t != "\\\n"]
    position = 0

    def take(expected: str | None = None) -> str:
        nonlocal position
        if position >= len(tokens):
            raise LibertyError(f"unexpected end of file (expected {expected or 'more'})")
        token = tokens[position]
        if expected is not None and token != expected:
            context = " ".join(tokens[max(0, position - 6):position + 1])
            raise LibertyError(f"expected {expected!r} but found {token!r} after: {context}")
        position += 1
        return token

    def arguments() -> list[str]:
        take("(")
        args = []
        while tokens[position] != ")":
            token = take()
            if token != ",":
                args.append(token)
        take(")")
        return args

    def statement():
        name = take()
        if tokens[position] == ":":
            take(":")
            value = []
            while tokens[position] != ";":
                value.append(take())
            take(";")
            return name, " ".join(value)
        args = arguments()
        if position < len(tokens) and tokens[position] == "{":
            take("{")
            group = Group(name, args)
            while tokens[position] != "}":
                group.items.append(statement())
            take("}")
            return group
        take(";")
        return name, args

    try:
        top = statement()
    except IndexError:
        raise LibertyError("unexpected end of file") from None
    if not isinstance(top, Group) or top.kind != "library":
        raise LibertyError("the file does not start with a library group")
    return top


def pin_directions(library: Group) -> dict[str, dict[str, str]]:
    """``{cell: {pin: direction}}`` for every cell of the library."""
    return {cell.args[0]: {pin.args[0]: pin.attribute("direction") or "" for pin in cell.groups("pin")}
            for cell in library.groups("cell")}


def _scale_tables(internal_power: Group, factor: float) -> None:
    for table in internal_power.items:
        if isinstance(table, Group) and table.kind in ("rise_power", "fall_power", "power"):
            for index, item in enumerate(table.items):
                if isinstance(item, tuple) and item[0] == "values":
                    rows = ['"' + ", ".join(f"{float(v) * factor:.9g}" for v in row.strip('"').split(","))
                            + '"' for row in item[1]]
                    table.items[index] = ("values", rows)


def power_view(text: str) -> str:
    """The library as OpenSTA 2.0.17 must read it to compute power from measured activities.

    OpenSTA 2.0.17 propagates activities through each cell's ``function``, overwriting any
    activity set on a cell output, and cannot take activities on internal pins by command
    (``set_power_activity -pins`` fails on an undefined ``get_pins_error``). In this view:

    - each output pin's ``function`` is the pin itself, so the propagation returns the activity
      annotated on that pin unchanged;
    - the internal-energy tables are scaled so that OpenSTA's weighting matches later OpenSTA
      releases: 2.0.17 charges every arc of an output ``duty x (rise + fall energy)`` per output
      transition, with duty 0.5 (1 for a clock pin) once it cannot infer a sensitising condition
      from the function. Dividing each arc by the number of arcs of its output (and clock-pin
      tables by 2 more) charges every transition the mean of its arcs' rise and fall energies.

    Timing, capacitance and leakage are unchanged; the timing run uses the library as shipped.
    """
    library = parse(text)
    for cell in library.groups("cell"):
        clocks = {pin.args[0] for pin in cell.groups("pin") if pin.attribute("clock") == "true"}
        for pin in cell.groups("pin"):
            name = pin.args[0]
            if pin.attribute("direction") == "output" and pin.attribute("function") is not None:
                pin.set_attribute("function", f'"{name}"')
            arcs = pin.groups("internal_power")
            related = [arc for arc in arcs if arc.attribute("related_pin") is not None]
            for arc in arcs:
                source = arc.attribute("related_pin") or name
                factor = (1 / len(related) if arc.attribute("related_pin") else 1.0) * \
                    (0.5 if source in clocks else 1.0)
                if factor != 1.0:
                    _scale_tables(arc, factor)
    return library.write() + "\n"
