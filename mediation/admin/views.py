from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from wtforms import SelectChoice

from mediation import policy
from mediation.admin.forms import NONE_CHOSEN, AccountForm, HolidayScheduleForm, StaffForm
from mediation.admin.operations import save_schedule
from mediation.auth import accounts, two_factor
from mediation.core.calendar import work_calendar
from mediation.core.errors import Invalid
from mediation.extensions import db
from mediation.localtime import local_today
from mediation.models import Employer, Organization, Region, RegionLevel, Role, User
from mediation.paging import page_number
from mediation.translation import gettext as _

PAGE_SIZE = 50


def list_accounts():
    role = request.args.get("role")
    query = select(User).options(joinedload(User.organization)).order_by(User.id)
    if role in Role.__members__:
        query = query.where(User.role == Role(role))
    page = db.paginate(query, page=page_number(PAGE_SIZE), per_page=PAGE_SIZE, error_out=False)
    return render_template("admin/accounts.html", page=page, roles=list(Role), role=role)


def reset_second_factor(user_id: int):
    """A member of staff lost the phone with the app (and the recovery codes): they set up a
    new one at their next sign-in."""
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    if user.has_second_factor:
        two_factor.reset(user, actor=current_user)
        flash(
            _("%(name)s sets up a new sign-in app at the next sign-in.", name=user.name), "success"
        )
    return redirect(url_for("admin.accounts", role=user.role.value))


def fill_place_choices(form: StaffForm | AccountForm) -> None:
    """The organisations, employers and regions an account may be placed in."""
    none = SelectChoice(NONE_CHOSEN, "—")
    form.organization.choices = [none] + [
        SelectChoice(org.id, f"{org.name} ({org.kind.title})")
        for org in db.session.scalars(
            select(Organization).order_by(Organization.kind, Organization.name)
        )
    ]
    form.employer.choices = [none] + [
        SelectChoice(employer.id, f"{employer.name} ({employer.uscc or '—'})")
        for employer in db.session.scalars(select(Employer).order_by(Employer.name))
    ]
    form.region.choices = [none] + [
        SelectChoice(region.id, region.name)
        for region in db.session.scalars(
            select(Region).where(Region.level != RegionLevel.community).order_by(Region.code)
        )
    ]


def new_staff():
    form = StaffForm()
    fill_place_choices(form)
    if form.validate_on_submit():
        try:
            user = accounts.create_staff(
                actor=current_user,
                username=form.username.data,
                name=form.name.data,
                role=Role(form.role.data),
                password=form.password.data,
                phone=form.phone.data,
                organization=db.session.get(Organization, form.organization.data),
                employer=db.session.get(Employer, form.employer.data),
                region=db.session.get(Region, form.region.data),
            )
        except accounts.AccountError as error:
            getattr(form, error.field).errors.append(error.message)
        else:
            flash(_("Account %(username)s created.", username=user.username), "success")
            return redirect(url_for("admin.accounts"))
    return render_template("admin/new_staff.html", form=form)


def organizations():
    query = (
        select(Organization)
        .options(joinedload(Organization.region), joinedload(Organization.employer))
        .order_by(Organization.kind, Organization.name)
    )
    in_view = policy.organizations_in_view(current_user)
    if in_view is not None:
        query = query.where(in_view)
    orgs = db.session.scalars(query).all()
    may_edit = policy.can(current_user, policy.Permission.manage_network)
    return render_template("admin/organizations.html", organizations=orgs, may_edit=may_edit)


def _as_ranges(days) -> str:
    """Consecutive days written as one range, so an admin reads a schedule like the notice."""
    lines, run = [], []
    for day in sorted(days):
        if run and (day - run[-1]).days != 1:
            lines.append(_range(run))
            run = []
        run.append(day)
    if run:
        lines.append(_range(run))
    return "\n".join(lines)


def _range(run) -> str:
    return run[0].isoformat() if len(run) == 1 else f"{run[0].isoformat()}..{run[-1].isoformat()}"


def calendar_years():
    today = local_today()
    calendar = work_calendar()
    years = [(year, calendar.source(year)) for year in range(today.year - 1, today.year + 3)]
    return render_template("admin/calendar.html", years=years)


def edit_calendar(year: int):
    if not 2004 <= year <= 2100:
        abort(404)
    form = HolidayScheduleForm()
    if form.validate_on_submit():
        try:
            _schedule, moved = save_schedule(
                year,
                holidays=form.holidays.data,
                makeup_workdays=form.makeup_workdays.data,
                actor=current_user,
            )
        except Invalid as invalid:
            for field, messages in invalid.errors.items():
                getattr(form, field).errors.extend(messages)
        else:
            flash(
                _(
                    "The %(year)d schedule is saved. Deadlines of %(count)d open case(s) moved.",
                    year=year,
                    count=moved,
                ),
                "success",
            )
            return redirect(url_for("admin.calendar_years"))
    elif request.method == "GET":
        schedule = work_calendar().schedule(year)
        form.holidays.data = _as_ranges(schedule.holidays)
        form.makeup_workdays.data = _as_ranges(schedule.makeup_workdays)
    source = work_calendar().source(year)
    return render_template("admin/calendar_year.html", form=form, year=year, source=source)
