"""A dry run of the template writer: stands-ins for the xlsxwriter workbook and worksheets that
remember each sheet's texts and input cells instead of writing a file. The entry reader lays out
the cells a workbook must contain with it (:meth:`budgetxl.template.writer.TemplateWriter.plan`)."""

from __future__ import annotations


class RecSheet:
    """Stands in for an xlsxwriter worksheet in a dry run: remembers texts and input cells."""

    def __init__(self, name: str):
        self.name = name
        self.labels: dict[tuple[int, int], str] = {}
        self.inputs: set[tuple[int, int]] = set()
        self.state = "visible"

    def _mark(self, r, c, fmt):
        if isinstance(fmt, dict) and fmt.get("locked") is False:
            self.inputs.add((r, c))

    def write_string(self, r, c, text, fmt=None):
        self._mark(r, c, fmt)
        if not (isinstance(fmt, dict) and fmt.get("locked") is False):
            self.labels[(r, c)] = text

    def write_number(self, r, c, v, fmt=None):
        self._mark(r, c, fmt)

    def write_blank(self, r, c, v, fmt=None):
        self._mark(r, c, fmt)

    def write_formula(self, r, c, formula, fmt=None, value=None):
        pass

    def merge_range(self, r0, c0, r1, c1, text, fmt=None):
        self.labels[(r0, c0)] = text

    def hide(self):
        self.state = "hidden"

    def very_hidden(self):
        self.state = "veryHidden"

    def __getattr__(self, name):  # formatting and print setup: nothing to remember
        return lambda *a, **k: None


class Recorder:
    """Stands in for an xlsxwriter workbook in a dry run."""

    def __init__(self):
        self.sheets: dict[str, RecSheet] = {}

    def add_worksheet(self, name):
        self.sheets[name] = RecSheet(name)
        return self.sheets[name]

    def add_format(self, props=None):
        return dict(props or {})

    def __getattr__(self, name):
        return lambda *a, **k: None
