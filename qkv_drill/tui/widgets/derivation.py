"""The engine's derivation, step by step: name, formula, shape, and the values when small; and
the panel that shows it under a verdict with torch's answer to the same question."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text
from textual import work
from textual.containers import Vertical
from textual.widgets import Static

from qkv_drill.present.formats import shape_tuple
from qkv_drill.present.trace_text import step_note
from qkv_drill.tui.widgets.matrix import MAX_CELLS, as_rows, bracketed, fmt_number

if TYPE_CHECKING:
    from qkv_drill.engine.trace import Step, Trace
    from qkv_drill.packs.crosscheck import CrossCheck
    from qkv_drill.packs.instance import Instance


def _shape_of(step: Step) -> tuple[int, ...]:
    return tuple(int(s) for s in step.shape)


def step_renderable(
    index: int, step: Step, *, given: bool = False, value_is_shape: bool = False
) -> RenderableType:
    """One step: a heading line, an optional note, then the value as a scalar or a matrix.

    A `given` step (an input already shown with the question) gets its heading only. In a shape
    derivation each step's value *is* a shape, which the formula already states: printing it as
    a one-row matrix labelled "shape (3,)" would only confuse.
    """
    shape = _shape_of(step)
    formula = str(step.formula)
    heading = Text.assemble(
        (str(step.name), "bold"),
        ("   " + formula if formula != str(step.name) else "", "italic"),
        ("" if value_is_shape else f"   shape {shape_tuple(shape) if shape else 'scalar'}", "dim"),
    )
    if given:
        heading.append("   (given above)", style="dim")
    head = _hanging(Text(f"{index}. ", "bold"), heading)
    note = step_note(step)
    if value_is_shape:
        return Group(head, _indented(note), Text("")) if note else head
    if given:
        return head
    parts: list[RenderableType] = [head]
    if note:
        parts.append(_indented(note))
    value = step.value
    if value is not None:
        if not shape:
            parts.append(Text("   = " + fmt_number(float(value), 4)))
        else:
            rows = _rows_of(value)
            if rows is None:
                parts.append(Text(f"   (values of shape {shape} not shown: more than 2 dims)"))
            elif sum(len(r) for r in rows) > MAX_CELLS:
                parts.append(Text(f"   (values of shape {shape} not shown: too large)", "dim"))
            else:
                parts.append(Padding(bracketed(rows, decimals=3), (0, 0, 0, 3)))
    parts.append(Text(""))
    return Group(*parts)


def _hanging(number: Text, rest: Text) -> Table:
    """`3. name   formula   shape` with a long line wrapped under the name, not at the left
    edge, where it read as a line of its own."""
    grid = Table.grid()
    grid.add_column(no_wrap=True)
    grid.add_column()
    grid.add_row(number, rest)
    return grid


def _indented(note: str) -> Padding:
    """A step's note under its heading, every wrapped line indented alike."""
    return Padding(Text(note, style="dim"), (0, 0, 0, 3))


def _rows_of(value: Any) -> list[list[float]] | None:
    ndim = getattr(value, "ndim", None)
    if ndim is not None and ndim > 2:
        return None
    return as_rows(value)


class DerivationView(Static):
    """Every step of a `Trace`, in order, as the working an interviewer wants to hear."""

    DEFAULT_CSS = """
    DerivationView { height: auto; margin: 0 0 1 0; }
    """

    def __init__(
        self,
        trace: Trace,
        given: frozenset[str] = frozenset(),
        *,
        values_are_shapes: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.trace = trace
        self.given = given
        self.values_are_shapes = values_are_shapes
        self._draw()  # before the first layout, so the widget is sized to its content at once

    def _draw(self) -> None:
        steps = list(self.trace.steps)
        title = Text("Derivation", style="bold underline")
        if not steps:
            self.update(Group(title, Text("No derivation for this question.", "dim")))
            return
        parts = [
            step_renderable(
                i + 1, s, given=s.name in self.given, value_is_shape=self.values_are_shapes
            )
            for i, s in enumerate(steps)
        ]
        self.update(Group(title, *parts))


class DerivationPanel(Vertical):
    """Under a verdict: the engine's working and, where torch can recompute the answer, the
    torch backend's answer beside it (computed in a worker, so the panel opens at once)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._instance: Instance | None = None

    @property
    def is_open(self) -> bool:
        return bool(self.children)

    async def open(self, trace: Trace, instance: Instance) -> None:
        from qkv_drill.packs.crosscheck import has_torch_path

        self._instance = instance
        shapes = instance.question.type == "shape"
        await self.mount(
            DerivationView(
                trace, frozenset(instance.params), values_are_shapes=shapes, id="derivation-view"
            )
        )
        if has_torch_path(instance):
            await self.mount(Static("checking the answer on torch…", id="cross-check"))
            self._cross_check(instance)

    async def close(self) -> None:
        self._instance = None
        await self.remove_children()

    def warm_for(self, instance: Instance) -> None:
        """Questions whose answer torch can recompute load torch in the background while the
        user thinks, so the cross-check under the derivation is instant."""
        if instance.question.answer is None:  # nothing computed: no torch path, no numpy yet
            return
        from qkv_drill.packs.crosscheck import has_torch_path

        if has_torch_path(instance):
            self._warm_torch()

    @work(thread=True, exclusive=True, exit_on_error=False, group="torch")
    def _warm_torch(self) -> None:
        from qkv_drill.engine.backends import warm_torch

        warm_torch()

    @work(thread=True, exclusive=True, exit_on_error=False, group="crosscheck")
    def _cross_check(self, instance: Instance) -> None:
        """The same answer from the torch backend, shown under the derivation."""
        from qkv_drill.packs.crosscheck import cross_check

        result = cross_check(instance)
        if result is not None:
            self.app.call_from_thread(self._show_cross_check, instance, result)

    def _show_cross_check(self, instance: Instance, result: CrossCheck) -> None:
        if instance is not self._instance:
            return  # moved on, or closed, meanwhile
        found = self.query("#cross-check")
        if not found:
            return
        style = "green" if result.agrees else "bold red"
        mark = "✓ " if result.agrees else "✘ "
        found.first(Static).update(Text.assemble((mark, style), result.describe()))
