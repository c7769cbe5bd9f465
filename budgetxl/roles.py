"""What a profile's tables mean: the ``[roles]`` section of ``profile.toml``.

A profile's tables say how each cell is computed; its roles say what the tables are for: which
table holds expenditure by function code, which cell is 收入总计 or 基本支出, which economic
classes are 人员经费, which function and economic codes go together, what the narrative calls each
figure. Rules, the narrative parser and generator, consolidation and the guide ask for a role and
never name a table, a row key or a column key themselves.

A role a profile does not declare raises :class:`RoleMissing`; a rule that needs it is *not
applicable* to that profile (see :meth:`Roles.missing`). docs/profiles.md describes every role.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import expr
from .errors import SpecError


class RoleMissing(LookupError):
    """A role the profile does not declare."""

    def __init__(self, profile_id: str, role: str):
        super().__init__(f"表样“{profile_id}”没有定义角色 {role}")
        self.profile_id, self.role = profile_id, role


@dataclass(frozen=True)
class Figure:
    """A named figure: a bound expression over cells (or the sum of a supplementary part)."""

    name: str
    node: expr.Node | None
    desc: str | None = None  # what a figure that is not one cell is
    part: str | None = None  # a supplementary part's total instead of cells

    @property
    def cell(self) -> tuple[str, str, str] | None:
        """The cell key when the figure is one cell."""
        n = self.node
        return (n.table, n.row, n.col) if isinstance(n, expr.Ref) else None


@dataclass(frozen=True)
class Label:
    """What the narrative states an amount for: its id, name, written forms and figures."""

    id: str
    name: str
    forms: tuple[str, ...]
    figures: tuple[str, ...]
    same_as: str | None = None


@dataclass(frozen=True)
class Headline:
    key: str
    name: str
    figure: str
    overview: bool = False
    previous: str | None = None
    explained_in: str | None = None
    any_change: bool = False  # every change needs its reason (“三公”经费), not only a large one


@dataclass(frozen=True)
class Pair:
    functions: tuple[str, ...]
    economic: str
    name: str


@dataclass(frozen=True)
class Partition:
    whole: str
    parts: tuple[str, ...]
    unless: str | None = None


@dataclass(frozen=True)
class FundKind:
    """A kind of money a table's title and its empty-table note name: the ``word`` printed
    (政府性基金), the ``name`` a message calls it by (政府性基金)."""

    word: str
    name: str


@dataclass(frozen=True)
class Detail:
    """One item the text must state (``[[disclosure.details]]``): the label its amount is stated
    under, its official name as the profile's document prints it, and other names that are right."""

    label: str
    name: str
    names: tuple[str, ...] = ()

    @property
    def accepted(self) -> tuple[str, ...]:
        return (self.name, *self.names)


@dataclass(frozen=True)
class Vehicles:
    """How many official vehicles the unit holds (``[disclosure.vehicles]``): the figure that needs
    a vehicle (公务用车运行费), the words the text states the number held with and their measure
    word, the words that make a count one of purchases instead, and the assets part's cell."""

    figure: str
    held: tuple[str, ...] = ()
    measure: str = ""
    not_after: tuple[str, ...] = ()
    asset: tuple[str, str] | None = None  # (row key, field key) of the supplement's assets part


@dataclass(frozen=True)
class ProjectForm:
    """A printed project table (``[[disclosure.project_tables]]``): words its title (or first rows)
    print, each whole with the labels of its parts (其中 lines) as printed, and the label its
    project's name is printed beside."""

    titles: tuple[str, ...]
    wholes: tuple[tuple[str, tuple[str, ...]], ...]
    name_label: str | None = None  # the label the project's name is printed beside (项目名称)
    total: str | None = None  # the whole whose sum over the printed forms the text states (年度资金申请总额)
    unit: str | None = None  # the money unit the forms print (元)
    counted: tuple[str, ...] = ()  # words the text states how many projects with (编报绩效目标的项目)
    measure: str = ""  # their measure word (个)
    amount: tuple[str, ...] = ()  # words the text states the projects' money with (涉及项目预算资金)
    indicator: str | None = None  # the header of the indicators' name column (三级指标)
    target: str | None = None  # the header of their target column (年度(/项目)指标值)


@dataclass(frozen=True)
class Count:
    """One number the text must state beside an amount (``[[disclosure.counts]]``' ``counts``): its
    name (团组数), the words one of which its sentence prints (团组) and the measure words the number
    is printed with (个)."""

    name: str
    words: tuple[str, ...]
    measures: tuple[str, ...]
    unless: tuple[str, ...] = ()  # words of a clause that states another count (购置车辆1辆 is no 保有量)


@dataclass(frozen=True)
class Counts:
    """The numbers the text must state when a label's amount is not zero (``[[disclosure.counts]]``:
    因公出国（境）费 → 团组数 and 人次): the label, a name for messages, the counts, whether they may be
    stated anywhere in the text (``anywhere``; else in a paragraph naming the item) and an assets
    part's cell that states them too (``asset``: ``row.field``)."""

    label: str
    name: str
    counts: tuple[Count, ...]
    anywhere: bool = False
    asset: tuple[str, str] | None = None


@dataclass(frozen=True)
class SectionNeed:
    """What the text under a heading must state (``[[disclosure.sections]]``): the word its heading
    prints (年度预算安排), a name for messages and what it needs (``money``: a sum of money, W506;
    ``body``: the unit or office that carries it out, W507)."""

    heading: str
    name: str
    needs: str


@dataclass(frozen=True)
class Topic:
    """A topic the document must cover (``[[disclosure.topics]]``): its name for messages and the
    words any one of which, printed in a heading or a paragraph, shows the document covers it."""

    name: str
    words: tuple[str, ...]


@dataclass
class Disclosure:
    details: tuple[Detail, ...] = ()
    topics: tuple[Topic, ...] = ()
    counts: tuple[Counts, ...] = ()
    sections: tuple[SectionNeed, ...] = ()
    vehicles: Vehicles | None = None
    project_tables: tuple[ProjectForm, ...] = ()


@dataclass
class Roles:
    profile_id: str
    tables: dict[str, tuple[str, ...]] = field(default_factory=dict)
    columns: dict[str, dict[str, str]] = field(default_factory=dict)  # role -> table id -> column key
    economic: dict[str, tuple[str, ...]] = field(default_factory=dict)
    figures: dict[str, Figure] = field(default_factory=dict)
    headline: tuple[Headline, ...] = ()
    pairs: tuple[Pair, ...] = ()
    labels: dict[str, Label] = field(default_factory=dict)
    partitions: tuple[Partition, ...] = ()
    fund_kinds: tuple[FundKind, ...] = ()
    wording: dict[str, str] = field(default_factory=dict)
    disclosure: Disclosure = field(default_factory=Disclosure)  # the profile's [disclosure]

    # ------------------------------------------------------------------ lookups
    def table_id(self, role: str) -> str:
        ids = self.table_ids(role)
        if len(ids) != 1:
            raise SpecError(f"表样“{self.profile_id}”的表角色 {role} 应只对应一张表")
        return ids[0]

    def table_ids(self, role: str) -> tuple[str, ...]:
        try:
            return self.tables[role]
        except KeyError:
            raise RoleMissing(self.profile_id, f"tables.{role}") from None

    def column(self, table_id: str, role: str) -> str:
        """The key of the column playing ``role`` in a table."""
        try:
            return self.columns[role][table_id]
        except KeyError:
            raise RoleMissing(self.profile_id, f"columns.{role}（表 {table_id}）") from None

    def classes(self, role: str) -> tuple[str, ...]:
        try:
            return self.economic[role]
        except KeyError:
            raise RoleMissing(self.profile_id, f"economic.{role}") from None

    def figure(self, name: str) -> Figure:
        try:
            return self.figures[name]
        except KeyError:
            raise RoleMissing(self.profile_id, f"figures.{name}") from None

    def word(self, key: str) -> str:
        try:
            return self.wording[key]
        except KeyError:
            raise RoleMissing(self.profile_id, key) from None

    def label(self, label_id: str) -> Label:
        try:
            return self.labels[label_id]
        except KeyError:
            raise RoleMissing(self.profile_id, f"labels.{label_id}") from None

    def canonical(self, label_id: str | None) -> str | None:
        """The label a label means the same as (机关运行经费 → 公用经费 in Hebei), else itself."""
        lb = self.labels.get(label_id) if label_id else None
        return lb.same_as if lb is not None and lb.same_as else label_id

    def headline_entry(self, key: str) -> Headline | None:
        return next((h for h in self.headline if h.key == key), None)

    def previous_of(self, label_id: str) -> Headline | None:
        """The headline entry whose last-year figure a label stands for (its own or a synonym's)."""
        for h in self.headline:
            if h.previous and (h.key == label_id or self.canonical(h.key) == self.canonical(label_id)):
                return h
        return None

    def has(self, requirement: str) -> bool:
        """Whether a requirement such as ``tables.expenditure``, ``columns.basic``, ``figures.project``,
        ``economic.personnel``, ``pairs``, ``labels``, ``partitions``, ``headline`` or
        ``disclosure.details`` (``.vehicles``, ``.project_tables``) is declared."""
        kind, _, name = requirement.partition(".")
        if kind == "disclosure":
            return bool(getattr(self.disclosure, name, None))
        if kind in ("pairs", "labels", "partitions", "headline", "fund_kinds") and not name:
            return bool(getattr(self, kind))
        store = {"tables": self.tables, "columns": self.columns, "economic": self.economic,
                 "figures": self.figures, "labels": self.labels, "wording": self.wording}.get(kind)
        if store is None:
            raise ValueError(f"unknown role requirement {requirement!r}")
        return name in store

    def missing(self, requirements) -> list[str]:
        return [r for r in requirements if not self.has(r)]


# ---------------------------------------------------------------------- loading
def _ids(value) -> tuple[str, ...]:
    return tuple(value) if isinstance(value, list) else (str(value),)


def load_roles(profile, raw: dict | None, check_refs) -> Roles:
    """Read and validate a profile's ``[roles]`` (absent: a profile with no roles at all);
    ``check_refs(profile, table, node)`` is the profile's own check of a formula's references."""
    raw = dict(raw or {})
    r = Roles(profile.id)
    for role, ids in (raw.pop("tables", None) or {}).items():
        ids = _ids(ids)
        for tid in ids:
            if tid not in profile.tables:
                raise SpecError(f"角色 tables.{role} 引用了不存在的表 {tid}")
        r.tables[role] = ids
    for role, refs in (raw.pop("columns", None) or {}).items():
        by_table = {}
        for ref in _ids(refs):
            tid, _, col = ref.partition(".")
            t = profile.tables.get(tid)
            if t is None or col not in {c.key for c in t.value_columns}:
                raise SpecError(f"角色 columns.{role} 引用了不存在的栏 {ref}")
            by_table[tid] = col
        r.columns[role] = by_table
    r.economic = {k: tuple(str(c) for c in v) for k, v in (raw.pop("economic", None) or {}).items()}
    for name, spec in (raw.pop("figures", None) or {}).items():
        r.figures[name] = _figure(profile, name, spec, check_refs)
    for h in raw.pop("headline", None) or []:
        entry = Headline(h["key"], h["name"], h["figure"], bool(h.get("overview", False)), h.get("previous"),
                         h.get("explained_in"), bool(h.get("any_change", False)))
        r.figure(entry.figure)
        r.headline += (entry,)
    r.pairs = tuple(Pair(tuple(p["function"]), p["economic"], p["name"]) for p in raw.pop("pairs", None) or [])
    for lb in raw.pop("labels", None) or []:
        label = Label(lb["id"], lb["name"], tuple(lb.get("forms", ())), tuple(lb.get("figures", ())), lb.get("same_as"))
        for f in label.figures:
            r.figure(f)
        r.labels[label.id] = label
    for lb in r.labels.values():
        if lb.same_as and lb.same_as not in r.labels:
            raise SpecError(f"标签 {lb.id} 的 same_as 引用了不存在的标签 {lb.same_as}")
    for p in raw.pop("partitions", None) or []:
        part = Partition(p["whole"], tuple(p["parts"]), p.get("unless"))
        for lb in (part.whole, *part.parts):
            r.label(lb)
        if part.unless:
            r.figure(part.unless)
        r.partitions += (part,)
    r.fund_kinds = tuple(FundKind(k["word"], k.get("name", k["word"])) for k in raw.pop("fund_kinds", None) or [])
    for k, v in raw.items():
        if not isinstance(v, str):
            raise SpecError(f"角色 {k} 无法识别")
        r.wording[k] = v
    return r


def _asset_cell(spec, where: str) -> tuple[str, str] | None:
    if spec is None:
        return None
    row, _, col = str(spec).partition(".")
    if not row or not col:
        raise SpecError(f"{where} 的 asset 应写作“行.栏”（如 vehicles.quantity）")
    return row, col


def load_disclosure(roles: Roles, raw: dict | None) -> Disclosure:
    """Read and validate a profile's ``[disclosure]``: what its document must state (W501, W502,
    W503, W504) and how its printed project tables relate their figures (P105)."""
    raw = dict(raw or {})
    d = Disclosure()
    for x in raw.pop("details", None) or []:
        det = Detail(x["label"], x.get("name") or roles.label(x["label"]).name, tuple(x.get("names", ())))
        roles.label(det.label)
        d.details += (det,)
    v = raw.pop("vehicles", None)
    if v is not None:
        roles.figure(v["figure"])
        asset = _asset_cell(v.get("asset"), "disclosure.vehicles")
        held = tuple(v.get("held", ()))
        if held and not v.get("measure"):
            raise SpecError("disclosure.vehicles 给出 held 时应写明 measure（量词，如“辆”）")
        d.vehicles = Vehicles(v["figure"], held, v.get("measure", ""), tuple(v.get("not_after", ())), asset)
    for x in raw.pop("project_tables", None) or []:
        wholes = tuple((w["whole"], tuple(w["parts"])) for w in x.get("wholes", []))
        if not x.get("titles") or not wholes:
            raise SpecError("disclosure.project_tables 每项应有 titles 和 wholes")
        total = x.get("total")
        if total is not None and total not in {w for w, _ in wholes}:
            raise SpecError(f"disclosure.project_tables 的 total“{total}”不是其 wholes 中的总数")
        if total is not None and x.get("unit") not in ("元", "万元"):
            raise SpecError("disclosure.project_tables 给出 total 时应写明 unit（项目表的金额单位：元或万元）")
        if bool(x.get("indicator")) != bool(x.get("target")):
            raise SpecError("disclosure.project_tables 的 indicator（指标名称栏的表头）与 target（指标值栏的表头）应同时给出")
        d.project_tables += (ProjectForm(tuple(x["titles"]), wholes, x.get("name"), total, x.get("unit"),
                                         tuple(x.get("counted", ())), x.get("measure", ""), tuple(x.get("money", ())),
                                         x.get("indicator"), x.get("target")),)
    for x in raw.pop("counts", None) or []:
        if not x.get("label") or not x.get("name") or not x.get("counts"):
            raise SpecError("disclosure.counts 每项应有 label、name 和 counts")
        roles.label(x["label"])
        counts = []
        for c in x["counts"]:
            words, measures = tuple(c.get("words", ())), tuple(c.get("measures", ()))
            if not c.get("name") or not words or not measures:
                raise SpecError(f"disclosure.counts（{x['name']}）的每个 counts 应有 name、words 和 measures")
            counts.append(Count(str(c["name"]), words, measures, tuple(str(w) for w in c.get("unless", ()))))
        d.counts += (Counts(x["label"], str(x["name"]), tuple(counts), bool(x.get("anywhere", False)),
                            _asset_cell(x.get("asset"), "disclosure.counts")),)
    for x in raw.pop("sections", None) or []:
        if not x.get("heading") or x.get("needs") not in ("money", "body", "detail"):
            raise SpecError("disclosure.sections 每项应有 heading 和 needs（money：写明金额；body：写明由谁实施；"
                            "detail：写明具体做法）")
        d.sections += (SectionNeed(str(x["heading"]), str(x.get("name") or x["heading"]), x["needs"]),)
    for x in raw.pop("topics", None) or []:
        words = tuple(str(w) for w in x.get("words", ()) if str(w).strip())
        if not x.get("name") or not words:
            raise SpecError("disclosure.topics 每项应有 name 和 words（至少一个词）")
        d.topics += (Topic(str(x["name"]), words),)
    if raw:
        raise SpecError(f"disclosure 中有无法识别的项：{'、'.join(raw)}")
    return d


def _figure(profile, name: str, spec, check_refs) -> Figure:
    if isinstance(spec, str):
        spec = {"value": spec}
    if "part" in spec:
        if spec["part"] != "procurement":
            raise SpecError(f"角色 figures.{name}：只能合计 procurement（政府采购）明细")
        return Figure(name, None, spec.get("desc"), spec["part"])
    node = expr.bind(expr.parse(spec["value"]), "*", "*", "*")
    for ref in _refs(node):
        if ref.table not in profile.tables:
            raise SpecError(f"角色 figures.{name} 引用了不存在的表 {ref.table}")
    check_refs(profile, profile.tables[next(_refs(node)).table], node)
    if not isinstance(node, expr.Ref) and not spec.get("desc"):
        raise SpecError(f"角色 figures.{name} 不是单个单元格，应写明 desc")
    return Figure(name, node, spec.get("desc"))


def _refs(node):
    for n in expr.walk(node):
        if isinstance(n, (expr.Ref, expr.Leaves, expr.SideSum)):
            yield n


_NUMBERING = re.compile(r"^(?:[一二三四五六七八九十]+、|\d+[、.]|其中：)")


def label_of(profile, figure: Figure) -> str:
    """How the tables print a one-cell figure: its row's label (a fixed table, numbering left out)
    or its column's header (a coded table)."""
    tid, row, col = figure.cell
    t = profile.tables[tid]
    if t.coded:
        return t.column(col).header
    return _NUMBERING.sub("", t.items[row].label.strip())


def describe(profile, figure: Figure) -> str:
    """A figure for a message: its desc, else its table, row and column as the table prints them
    (支出总表“基本支出”合计, 收支总表“收入总计”)."""
    if figure.desc:
        return figure.desc
    tid, row, col = figure.cell
    t = profile.tables[tid]
    if t.coded:
        c = t.column(col)
        first = t.columns[0].key == col
        if row == expr.TOTAL:
            return f"{t.name}“{c.header}”" + ("" if first else expr.TOTAL_LABEL)
        return f"{t.name} {row}“{c.header}”"
    item = t.items[row]
    cols = t.item_columns(item)
    label = _NUMBERING.sub("", item.label.strip())
    return f"{t.name}“{label}”" + ("" if cols[0].key == col else t.column(col, item.side).header)
