"""A new district comes on board from files: its regions, employers, organisations and staff.

Each kind is one table: a CSV file (UTF-8 or GBK, see ``mediation.tabular``) or a sheet of an
XLSX workbook, whose first non-blank row names the columns in English or Chinese
(:data:`COLUMNS`; other columns are ignored, an optional column may be left out). One workbook
may hold every kind, a sheet each, named after the kind (:data:`SHEETS`). The templates the
administration offers for download are these columns with an example row.

Every row of every table is checked before anything is written, and every problem is reported
at once with its kind, row (as the spreadsheet numbers it: the header is row 1) and column.
Rows may name rows of the same import: a street whose district is a row above (or anywhere in
the regions table), an organisation serving a region of the regions table, a mediator of an
organisation of the organisations table. The kinds are checked and written in the order
regions → employers → organisations → staff.

A dry run only checks. A commit checks and, only if no row has a problem, writes everything in
the request's one transaction: a problem found while writing raises and nothing stays.

Staff accounts get no password anyone knows: like an administrator forcing a reset
(``admin.staff.force_password_reset``), a code to set one goes to the mobile number, and at
their first sign-in the person sets their own ("Forgotten password" if the code has expired).
"""

import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from mediation.admin import regions as network
from mediation.admin import staff as staff_admin
from mediation.auth import accounts
from mediation.core import audit
from mediation.core.errors import Invalid
from mediation.extensions import db
from mediation.forms import USERNAME_PATTERN
from mediation.models import Employer, Organization, OrgKind, Region, RegionLevel, Role, User
from mediation.models.users import STAFF_ORG_KINDS
from mediation.tabular import (
    XLSX_SIGNATURE,
    UnreadableFile,
    csv_rows,
    decode_text,
    header_name,
    mixed_encoding_lines,
    xlsx_sheets,
)
from mediation.translation import lazy_gettext as _l
from mediation.vacancy_import import industry_letter
from mediation.validators import InvalidValue, normalise_mobile, normalise_uscc

KINDS = ("regions", "employers", "organizations", "staff")
WORKBOOK = "workbook"  # one XLSX with a sheet per kind
MAX_ROWS = 5000


@dataclass(frozen=True)
class Column:
    name: str
    chinese: str  # the header of the template in Chinese; also read
    required: bool = False
    example: str = ""


COLUMNS: dict[str, tuple[Column, ...]] = {
    "regions": (
        Column("code", "区划代码", True, "441899"),
        Column("name", "名称", True, "新城区"),
        Column("level", "级别", True, "district"),
        Column("parent_code", "上级代码", False, ""),
    ),
    "employers": (
        Column("uscc", "统一社会信用代码", True, "91441800MA00000018"),
        Column("name", "名称", True, "新城某某制造有限公司"),
        Column("region_code", "注册地区划代码", True, "441899001"),
        Column("industry", "行业", True, "C"),
        Column("address", "地址", False, ""),
    ),
    "organizations": (
        Column("name", "名称", True, "新城区劳动人事争议调解中心"),
        Column("name_en", "英文名称", False, "Xincheng District Mediation Centre"),
        Column("kind", "类型", True, "hr_bureau"),
        Column("region_code", "服务区划代码", True, "441899"),
        Column("case_prefix", "案号前缀", False, "XCDC"),
        Column("employer_uscc", "用人单位信用代码", False, ""),
        Column("address", "地址", False, ""),
        Column("phone", "电话", False, ""),
        Column("office_hours", "办公时间", False, ""),
        Column("contact", "联系人", False, ""),
        Column("video_link", "视频会议室", False, ""),
    ),
    "staff": (
        Column("username", "用户名", True, "xc_med1"),
        Column("name", "姓名", True, "王调解"),
        Column("role", "角色", True, "mediator"),
        Column("phone", "手机号", True, "13900139000"),
        Column("organization", "所属组织", False, "新城区劳动人事争议调解中心"),
        Column("employer_uscc", "用人单位信用代码", False, ""),
        Column("region_code", "辖区代码", False, ""),
    ),
}
SHEETS = {
    "regions": ("regions", "区域", "行政区划"),
    "employers": ("employers", "用人单位"),
    "organizations": ("organizations", "organisations", "组织", "调解组织"),
    "staff": ("staff", "人员", "工作人员"),
}
LEVELS = {
    **{level.value: level for level in RegionLevel},
    "town": RegionLevel.street,
    "区": RegionLevel.district,
    "县": RegionLevel.district,
    "区县": RegionLevel.district,
    "街道": RegionLevel.street,
    "镇": RegionLevel.street,
    "乡": RegionLevel.street,
    "街道/镇": RegionLevel.street,
    "社区": RegionLevel.community,
    "村": RegionLevel.community,
}
ORG_KINDS = {
    **{kind.value: kind for kind in OrgKind},
    "企业调解委员会": OrgKind.enterprise,
    "工会": OrgKind.union,
    "人社": OrgKind.hr_bureau,
    "调解中心": OrgKind.hr_bureau,
    "法院": OrgKind.court,
    "再就业服务中心": OrgKind.reemployment,
}
# Administrators are made one by one (flask create-staff, or the accounts page), not by file.
ROLES = {
    **{role.value: role for role in Role if role not in (Role.worker, Role.admin)},
    "调解员": Role.mediator,
    "法院联络员": Role.court_liaison,
    "再就业专员": Role.reemployment_officer,
    "监督员": Role.supervisor,
    "用人单位代表": Role.employer_rep,
}
REQUIRED = _l("Please fill this in.")


def uscc_taken(uscc: str):
    return _l("An employer with the code %(uscc)s is already in the system.", uscc=uscc)


@dataclass(frozen=True)
class Problem:
    kind: str | None  # None: the upload as a whole
    line: int | None  # None: the file as a whole
    column: str | None
    message: Any  # a lazy string, translated when shown
    code: str

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "row": self.line,
            "column": self.column,
            "code": self.code,
            "message": str(self.message),
        }


@dataclass
class Report:
    problems: list[Problem] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)  # rows checked (written) per kind
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class _Row:
    kind: str
    line: int
    cells: dict[str, str]
    values: dict[str, Any] = field(default_factory=dict)  # what is written, once checked
    bad: bool = False


# -- Reading -----------------------------------------------------------------------------------


def _table(kind: str, rows: list[list[str]], report: Report) -> list[_Row]:
    aliases = {}
    for column in COLUMNS[kind]:
        aliases[column.name] = column.name
        aliases[header_name(column.chinese)] = column.name
    positions: dict[str, int] | None = None
    found: list[_Row] = []
    for line, cells in enumerate(rows, start=1):
        if not any(cell.strip() for cell in cells):
            continue
        if positions is None:
            positions = {}
            for position, cell in enumerate(cells):
                name = aliases.get(header_name(cell))
                if name is not None and name in positions:
                    report.problems.append(
                        Problem(
                            kind,
                            line,
                            name,
                            _l("Two columns are %(column)s: keep one.", column=name),
                            "duplicate_column",
                        )
                    )
                elif name is not None:
                    positions[name] = position
            missing = [c.name for c in COLUMNS[kind] if c.required and c.name not in positions]
            if missing:
                report.problems.append(
                    Problem(
                        kind,
                        line,
                        None,
                        _l(
                            "The first row must name the columns; missing: %(columns)s.",
                            columns=", ".join(missing),
                        ),
                        "missing_columns",
                    )
                )
                return []
            continue
        found.append(
            _Row(
                kind,
                line,
                {
                    column.name: (
                        cells[positions[column.name]].strip()
                        if column.name in positions and positions[column.name] < len(cells)
                        else ""
                    )
                    for column in COLUMNS[kind]
                },
            )
        )
    if positions is None:
        report.problems.append(Problem(kind, None, None, _l("The file is empty."), "empty"))
    elif len(found) > MAX_ROWS:
        report.problems.append(
            Problem(
                kind,
                None,
                None,
                _l("More than %(max)d rows: split the file.", max=MAX_ROWS),
                "too_many_rows",
            )
        )
        return []
    return found


def _sheet_for(kind: str, sheets: dict[str, list[list[str]]]) -> list[list[str]] | None:
    names = {header_name(name) for name in SHEETS[kind]}
    return next((rows for title, rows in sheets.items() if header_name(title) in names), None)


def read_files(files: Mapping[str, bytes], report: Report) -> dict[str, list[_Row]]:
    """The rows of each kind in ``files`` (kind or :data:`WORKBOOK` → the file's bytes)."""
    tables: dict[str, list[_Row]] = {}
    for key, data in files.items():
        kind = None if key == WORKBOOK else key
        try:
            if data.startswith(XLSX_SIGNATURE):
                sheets = xlsx_sheets(data)
                if kind is None:
                    chosen = {k: _sheet_for(k, sheets) for k in KINDS}
                    chosen = {k: rows for k, rows in chosen.items() if rows is not None}
                    if not chosen:
                        raise UnreadableFile(
                            "no_sheets",
                            _l(
                                "No sheet of the workbook is named regions, employers, "
                                "organizations or staff."
                            ),
                        )
                else:
                    rows = _sheet_for(kind, sheets)
                    chosen = {kind: rows if rows is not None else next(iter(sheets.values()), [])}
                for each, rows in chosen.items():
                    tables[each] = tables.get(each, []) + _table(each, rows, report)
                continue
            if kind is None:
                raise UnreadableFile(
                    "not_xlsx", _l("The file could not be read as an Excel workbook (.xlsx).")
                )
            mixed = mixed_encoding_lines(data)
            for line in mixed:
                report.problems.append(
                    Problem(
                        kind,
                        line,
                        None,
                        _l(
                            "Row %(row)d is not UTF-8 text like the rest of the file (GBK?): "
                            "save the whole file again as CSV UTF-8.",
                            row=line,
                        ),
                        "mixed_encoding",
                    )
                )
            if mixed:
                continue
            tables[kind] = _table(kind, csv_rows(decode_text(data)), report)
        except UnreadableFile as unreadable:
            report.problems.append(Problem(kind, None, None, unreadable.message, unreadable.code))
    return tables


# -- Checking ----------------------------------------------------------------------------------


class _Checker:
    """Checks the rows of every kind against the database and the other rows of the import."""

    def __init__(self, tables: dict[str, list[_Row]], report: Report) -> None:
        self.tables = {kind: tables.get(kind, []) for kind in KINDS}
        self.report = report
        self.regions = {r.code: r for r in db.session.scalars(select(Region)) if r.code}
        self.organizations = {o.name: o for o in db.session.scalars(select(Organization))}
        self.new_regions: dict[str, _Row] = {}
        self.new_employers: dict[str, _Row] = {}
        self.new_organizations: dict[str, _Row] = {}

    def problem(self, row: _Row, column: str | None, code: str, message) -> None:
        row.bad = True
        self.report.problems.append(Problem(row.kind, row.line, column, message, code))

    def required(self, row: _Row) -> None:
        for column in COLUMNS[row.kind]:
            if column.required and not row.cells[column.name]:
                self.problem(row, column.name, "required", REQUIRED)

    def too_long(self, row: _Row, column: str, maximum: int) -> str | None:
        value = row.cells[column]
        if len(value) > maximum:
            self.problem(row, column, "too_long", _l("At most %(max)d characters.", max=maximum))
        return value or None

    def first_rows(self, rows: list[_Row], column: str, code: str) -> dict[str, _Row]:
        """The rows by the value of a unique ``column``; a repeat is a problem of its own."""
        seen: dict[str, _Row] = {}
        for row in rows:
            value = row.values.get(column) or row.cells[column]
            if not value:
                continue
            if value in seen:
                self.problem(
                    row,
                    column,
                    code,
                    _l(
                        "%(value)s is also on row %(row)d of this file.",
                        value=value,
                        row=seen[value].line,
                    ),
                )
            else:
                seen[value] = row
        return seen

    # The level of a region code: of a region in the import or in the database.
    def level_of(self, code: str) -> RegionLevel | None:
        if code in self.new_regions:
            return self.new_regions[code].values.get("level")
        region = self.regions.get(code)
        return region.level if region is not None else None

    def name_of_region(self, code: str) -> str:
        if code in self.new_regions:
            return self.new_regions[code].cells["name"]
        return self.regions[code].name if code in self.regions else code

    def region_exists(self, row: _Row, column: str) -> str | None:
        code = row.cells[column]
        if code and code not in self.new_regions and code not in self.regions:
            self.problem(
                row,
                column,
                "unknown_region",
                _l(
                    "No region has the code %(code)s, neither in this import nor in the system.",
                    code=code,
                ),
            )
            return None
        return code or None

    # -- regions

    def check_regions(self) -> None:
        rows = self.tables["regions"]
        for row in rows:
            self.required(row)
            code = row.cells["code"]
            if code and not network.REGION_CODE.match(code):
                self.problem(row, "code", "bad_code", network.BAD_CODE)
            elif code in self.regions:
                self.problem(row, "code", "code_taken", network.code_taken(code))
            self.too_long(row, "name", 100)
            level = LEVELS.get(row.cells["level"].casefold())
            if row.cells["level"] and level is None:
                self.problem(
                    row,
                    "level",
                    "unknown_level",
                    _l(
                        "“%(value)s” is no level: write district, street or community.",
                        value=row.cells["level"],
                    ),
                )
            row.values["level"] = level
        self.new_regions = self.first_rows(rows, "code", "duplicate_code")
        in_cycle = self.cycles(rows)
        for row in rows:
            parent = row.cells["parent_code"]
            level = row.values["level"]
            if row.line in in_cycle or level is None:
                continue
            if parent and self.region_exists(row, "parent_code") is None:
                continue
            if parent == row.cells["code"]:
                continue  # reported as a cycle
            problem = network.parent_problem(
                level, self.level_of(parent) if parent else None, self.name_of_region(parent)
            )
            if problem is not None:
                self.problem(row, "parent_code", "wrong_level", problem)

    def cycles(self, rows: list[_Row]) -> set[int]:
        """The rows whose parent chain (within the import) comes back to them."""
        parent_of = {
            row.cells["code"]: row.cells["parent_code"]
            for row in self.new_regions.values()
            if row.cells["parent_code"]
        }
        lines: set[int] = set()
        for row in self.new_regions.values():
            chain, code = [], row.cells["code"]
            while code in parent_of and code not in chain:
                chain.append(code)
                code = parent_of[code]
            if chain and code == row.cells["code"]:
                self.problem(
                    row,
                    "parent_code",
                    "cycle",
                    _l(
                        "The parent codes go round in a circle (%(chain)s): a region cannot "
                        "sit below itself.",
                        chain=" → ".join([*chain, code]),
                    ),
                )
                lines.add(row.line)
        return lines

    # -- employers

    def check_employers(self) -> None:
        rows = self.tables["employers"]
        for row in rows:
            self.required(row)
            if row.cells["uscc"]:
                try:
                    row.values["uscc"] = normalise_uscc(row.cells["uscc"])
                except InvalidValue as error:
                    self.problem(row, "uscc", "bad_uscc", error.message)
            self.too_long(row, "name", 200)
            self.too_long(row, "address", 200)
            self.region_exists(row, "region_code")
            if row.cells["industry"]:
                letter = industry_letter(row.cells["industry"])
                if letter is None:
                    self.problem(
                        row,
                        "industry",
                        "unknown_industry",
                        _l(
                            "“%(value)s” is not an industry: use a section letter from A to T "
                            "or the section's name, e.g. C or 制造业.",
                            value=row.cells["industry"],
                        ),
                    )
                row.values["industry"] = letter
        self.new_employers = self.first_rows(rows, "uscc", "duplicate_uscc")
        usccs = [row.values["uscc"] for row in rows if row.values.get("uscc")]
        taken = set(db.session.scalars(select(Employer.uscc).where(Employer.uscc.in_(usccs))))
        for row in rows:
            if row.values.get("uscc") in taken:
                self.problem(row, "uscc", "uscc_taken", uscc_taken(row.values["uscc"]))

    def employer_exists(self, row: _Row, column: str) -> str | None:
        value = row.cells[column]
        if not value:
            return None
        try:
            uscc = normalise_uscc(value)
        except InvalidValue as error:
            self.problem(row, column, "bad_uscc", error.message)
            return None
        known = uscc in self.new_employers or db.session.scalar(
            select(Employer.id).where(Employer.uscc == uscc)
        )
        if not known:
            self.problem(
                row,
                column,
                "unknown_employer",
                _l(
                    "No employer has the code %(uscc)s, neither in this import nor in the system.",
                    uscc=uscc,
                ),
            )
            return None
        return uscc

    # -- organisations

    def check_organizations(self) -> None:
        rows = self.tables["organizations"]
        held: dict[tuple[OrgKind, str], str] = {
            (org.kind, org.region.code): org.name
            for org in self.organizations.values()
            if org.active and org.kind in network.ONE_PER_REGION and org.region.code
        }
        prefixes = {org.case_prefix for org in self.organizations.values() if org.case_prefix}
        for row in rows:
            self.required(row)
            name = self.too_long(row, "name", 200)
            if name in self.organizations:
                self.problem(row, "name", "name_taken", network.name_taken(name))
            for column, maximum in (
                ("name_en", 200),
                ("address", 200),
                ("office_hours", 200),
                ("contact", 50),
                ("video_link", 500),
            ):
                self.too_long(row, column, maximum)
            kind = ORG_KINDS.get(row.cells["kind"].casefold()) if row.cells["kind"] else None
            if row.cells["kind"] and kind is None:
                self.problem(
                    row,
                    "kind",
                    "unknown_kind",
                    _l(
                        "“%(value)s” is no kind of organisation: write enterprise, union, "
                        "hr_bureau, court or reemployment.",
                        value=row.cells["kind"],
                    ),
                )
            row.values["kind"] = kind
            code = self.region_exists(row, "region_code")
            level = self.level_of(code) if code else None
            if kind is not None and level is not None:
                problem = network.served_problem(kind, level)
                if problem is not None:
                    self.problem(row, "region_code", "wrong_level", problem)
                elif (kind, code) in held:
                    self.problem(
                        row,
                        "region_code",
                        "one_per_region",
                        network.region_has_one(self.name_of_region(code), held[kind, code]),
                    )
                elif kind in network.ONE_PER_REGION:
                    held[kind, code] = row.cells["name"]
            prefix = row.cells["case_prefix"].upper()
            row.values["case_prefix"] = prefix or None
            if prefix and not network.CASE_PREFIX.match(prefix):
                self.problem(row, "case_prefix", "bad_prefix", network.BAD_PREFIX)
            elif prefix in prefixes:
                self.problem(row, "case_prefix", "prefix_taken", network.prefix_taken(prefix))
            if row.cells["video_link"] and not network.VIDEO_LINK.match(row.cells["video_link"]):
                self.problem(row, "video_link", "bad_link", network.BAD_LINK)
            phone = self.too_long(row, "phone", 30)
            if phone and not network.PHONE.match(phone):
                self.problem(row, "phone", "bad_phone", network.BAD_PHONE)
            employer = self.employer_exists(row, "employer_uscc")
            if kind is OrgKind.enterprise and not row.cells["employer_uscc"]:
                self.problem(row, "employer_uscc", "required", network.NEEDS_EMPLOYER)
            row.values["employer_uscc"] = employer if kind is OrgKind.enterprise else None
        self.new_organizations = self.first_rows(rows, "name", "duplicate_name")
        self.first_rows(
            [row for row in rows if row.values.get("case_prefix")],
            "case_prefix",
            "duplicate_prefix",
        )

    # -- staff

    def check_staff(self) -> None:
        rows = self.tables["staff"]
        for row in rows:
            self.required(row)
            username = row.cells["username"]
            if username and not USERNAME_PATTERN.regex.match(username):
                self.problem(
                    row,
                    "username",
                    "bad_username",
                    _l("3 to 50 letters, digits, dots, dashes or underscores."),
                )
            self.too_long(row, "name", 50)
            if row.cells["phone"]:
                try:
                    row.values["phone"] = normalise_mobile(row.cells["phone"])
                except InvalidValue as error:
                    self.problem(row, "phone", "bad_phone", error.message)
            role = ROLES.get(row.cells["role"].casefold()) if row.cells["role"] else None
            if row.cells["role"] and role is None:
                self.problem(
                    row,
                    "role",
                    "unknown_role",
                    _l(
                        "“%(value)s” is no role an import creates: write mediator, "
                        "court_liaison, reemployment_officer, supervisor or employer_rep.",
                        value=row.cells["role"],
                    ),
                )
            row.values["role"] = role
            self.place(row, role)
        self.first_rows(rows, "username", "duplicate_username")
        self.first_rows(
            [row for row in rows if row.values.get("phone")], "phone", "duplicate_phone"
        )
        for row in rows:
            held = accounts.holders(username=row.cells["username"], phone=row.values.get("phone"))
            for _user, column in held:
                self.problem(row, column, f"{column}_taken", accounts.ALREADY_REGISTERED[column])

    def place(self, row: _Row, role: Role | None) -> None:
        """The organisation, employer or region the role works from."""
        name = row.cells["organization"]
        if role in STAFF_ORG_KINDS:
            if not name:
                self.problem(row, "organization", "required", REQUIRED)
                return
            if name in self.new_organizations:
                kind = self.new_organizations[name].values.get("kind")
            elif name in self.organizations:
                kind = self.organizations[name].kind
            else:
                self.problem(
                    row,
                    "organization",
                    "unknown_organization",
                    _l(
                        "No organisation is called %(name)s, neither in this import nor in "
                        "the system.",
                        name=name,
                    ),
                )
                return
            if kind is not None and kind.value not in STAFF_ORG_KINDS[role]:
                self.problem(
                    row,
                    "organization",
                    "wrong_kind",
                    _l("Choose an organisation of a kind this role works in."),
                )
        elif role is Role.employer_rep:
            if not row.cells["employer_uscc"]:
                self.problem(row, "employer_uscc", "required", REQUIRED)
            row.values["employer_uscc"] = self.employer_exists(row, "employer_uscc")
        elif role is Role.supervisor:
            if not row.cells["region_code"]:
                self.problem(row, "region_code", "required", REQUIRED)
            self.region_exists(row, "region_code")

    def run(self) -> None:
        self.check_regions()
        self.check_employers()
        self.check_organizations()
        self.check_staff()
        for kind in KINDS:
            if self.tables[kind]:
                self.report.counts[kind] = len(self.tables[kind])


# -- Writing -----------------------------------------------------------------------------------

_LEVEL_ORDER = list(RegionLevel)


def _write(tables: dict[str, list[_Row]], actor: User) -> None:
    regions = {r.code: r for r in db.session.scalars(select(Region)) if r.code}
    # Parents first: a district before its streets, a street before its communities.
    for row in sorted(
        tables.get("regions", []), key=lambda r: _LEVEL_ORDER.index(r.values["level"])
    ):
        cells = row.cells
        regions[cells["code"]] = network.create_region(
            actor=actor,
            name=cells["name"],
            code=cells["code"],
            level=row.values["level"],
            parent=regions.get(cells["parent_code"]) if cells["parent_code"] else None,
        )
        db.session.flush()
    employers: dict[str, Employer] = {}
    for row in tables.get("employers", []):
        employer = Employer(
            name=row.cells["name"],
            uscc=row.values["uscc"],
            region=regions[row.cells["region_code"]],
            industry=row.values["industry"],
            address=row.cells["address"] or None,
        )
        try:
            with db.session.begin_nested():
                db.session.add(employer)
                db.session.flush()
        except IntegrityError:  # another request recorded the code after the check
            raise Invalid({"uscc": [uscc_taken(row.values["uscc"])]}) from None
        audit.record(
            "employer.created",
            actor=actor,
            subject=employer,
            after={"name": employer.name, "uscc": employer.uscc, "region_id": employer.region_id},
        )
        employers[employer.uscc] = employer

    def employer_of(uscc: str | None) -> Employer | None:
        if uscc is None:
            return None
        return employers.get(uscc) or db.session.scalar(
            select(Employer).where(Employer.uscc == uscc)
        )

    for row in tables.get("organizations", []):
        network.create_organization(
            actor=actor,
            kind=row.values["kind"],
            region=regions[row.cells["region_code"]],
            employer=employer_of(row.values["employer_uscc"]),
            **{
                column: row.cells[column]
                for column in ("name", "name_en", *network.ORGANIZATION_FIELDS)
            },
            case_prefix=row.values["case_prefix"],
        )
        db.session.flush()
    for row in tables.get("staff", []):
        role = row.values["role"]
        user = accounts.create_staff(
            actor=actor,
            username=row.cells["username"],
            name=row.cells["name"],
            role=role,
            password=secrets.token_urlsafe(32),  # nobody knows it: see the module's docstring
            phone=row.values["phone"],
            organization=db.session.scalar(
                select(Organization).where(Organization.name == row.cells["organization"])
            )
            if role in STAFF_ORG_KINDS
            else None,
            employer=employer_of(row.values.get("employer_uscc")),
            region=regions.get(row.cells["region_code"]),
        )
        staff_admin.force_password_reset(user, actor=actor)


# The problem of a row naming a row of another kind that is nowhere: that kind.
REFERENCES = {
    "unknown_region": "regions",
    "unknown_employer": "employers",
    "unknown_organization": "organizations",
}


def run_import(files: Mapping[str, bytes], *, actor: User, dry_run: bool) -> Report:
    """Check the files (kind or ``workbook`` → bytes) and, unless ``dry_run`` or a row has a
    problem, write every row. The report lists the problems, or the rows of each kind."""
    report = Report()
    if not files:
        report.problems.append(
            Problem(None, None, None, _l("Choose at least one file to import."), "no_files")
        )
        return report
    tables = read_files(files, report)
    # A file that could not be read does not hide the others' problems: their rows are checked
    # too, all but their references to rows of the unread file, which are unknown rather than
    # wrong (the workbook's problem, kind None, leaves every kind unread).
    unread = {problem.kind for problem in report.problems}
    unread = set(KINDS) if None in unread else unread
    _Checker(tables, report).run()
    report.problems = [
        problem for problem in report.problems if REFERENCES.get(problem.code) not in unread
    ]
    if not report.ok or dry_run:
        return report
    try:
        _write(tables, actor)
    except (Invalid, accounts.AccountError) as error:
        # Something changed between the check and the write (another administrator, at the
        # same moment): the caller's rollback undoes what was written.
        messages = error.errors if isinstance(error, Invalid) else {error.field: [error.message]}
        report.problems += [
            Problem(None, None, column, message, "changed_meanwhile")
            for column, items in messages.items()
            for message in items
        ]
        return report
    audit.record("network.imported", actor=actor, **report.counts)
    report.written = True
    return report
