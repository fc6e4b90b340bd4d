"""Stored XSS: hostile text in every field people can write, rendered in real Chromium.

Each payload, if it ever ran, would do something we can see: set `window.__xss` or open a
dialog. The browser context bypasses our CSP on purpose, so the strict policy cannot hide an
escaping bug: what keeps the pages safe here is escaping and the Markdown sanitiser alone.

Every page is checked three ways: no dialog opened and `window.__xss` is unset after load; the
DOM holds nothing the payloads could have planted (a script not from our static files, an
iframe/object/embed/style/base, any `on*` attribute, a javascript:/vbscript:/data: URL); and what
people typed still reads as text (a title shows the literal characters "<script>").
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Dialog, Page
from pytest_django.fixtures import Settings
from pytest_django.live_server_helper import LiveServer

from actionplan import services
from actionplan.models import Attachment, Comment, Item, Plan, Sharing, Status
from directory.models import Jurisdiction, Membership, User
from library.services import current_framework
from tests import factories
from tests.browser.helpers import login
from tests.factories import first_dimension

Role = Membership.Role


@dataclass(frozen=True)
class Payload:
    """One hostile input; `survives` is text that must still read after Markdown is sanitised."""

    key: str
    text: str
    survives: str = ""


CORPUS = [
    Payload("script", "<script>window.__xss='script'</script>"),
    Payload("img_onerror", "<img src=x onerror=\"window.__xss='img_onerror'\">"),
    Payload("svg_onload", "<svg onload=\"alert('svg_onload')\"></svg>"),
    Payload("md_javascript_link", "[click me](javascript:window.__xss='md_javascript_link')", "click me"),
    Payload("md_data_link", "[open data](data:text/html;base64,PHNjcmlwdD5hbGVydCgnZGF0YScpPC9zY3JpcHQ+)", "open data"),
    Payload("md_vbscript_link", "[vb link](vbscript:msgbox('md_vbscript_link'))", "vb link"),
    Payload("html_javascript_link", "<a href=\"javascript:alert('html_javascript_link')\">html link</a>", "html link"),
    Payload("html_data_link", "<a href=\"data:text/html,<script>alert('html_data_link')</script>\">data link</a>"),
    Payload("html_vbscript_link", "<a href=\"vbscript:msgbox('html_vbscript_link')\">vbs link</a>", "vbs link"),
    Payload("tab_in_scheme", "<a href=\"jav&#x09;ascript:alert('tab_in_scheme')\">tabbed link</a>", "tabbed link"),
    Payload("cased_spaced_scheme", "<a href=\" JaVaScRiPt:alert('cased_spaced_scheme')\">cased link</a>"),
    Payload("entity_colon", "<a href=\"javascript&colon;alert('entity_colon')\">colon link</a>", "colon link"),
    Payload("md_autolink", "<javascript:alert('md_autolink')>"),
    Payload("md_image_javascript", "![logo](javascript:alert('md_image_javascript'))"),
    Payload("iframe", "<iframe src=\"javascript:alert('iframe')\"></iframe>"),
    Payload("object", "<object data=\"javascript:alert('object')\"></object>"),
    Payload("embed", "<embed src=\"javascript:alert('embed')\">"),
    Payload("style_import", "<style>@import url(\"javascript:alert('style_import')\");</style>"),
    Payload("event_attributes", "<p onmouseover=\"alert('event_attributes')\" onclick=\"alert(1)\">hover me</p>", "hover me"),
    Payload("details_ontoggle", "<details open ontoggle=\"alert('details_ontoggle')\"><summary>more</summary></details>"),
    Payload("nested_tags", "<scr<script>ipt>alert('nested_tags')</scr</script>ipt>"),
    Payload("unclosed_tag", "<img src=x onerror=alert('unclosed_tag')//"),
    Payload("attribute_breakout", "\"><script>window.__xss='attribute_breakout'</script>"),
    Payload("quote_breakout", "' onmouseover='alert(1)' x='"),
    Payload("mxss", "<math><mtext><table><mglyph><style><img src=x onerror=alert('mxss')>"),
    Payload("form_action", "<form action=\"javascript:alert('form_action')\"><button>go</button></form>"),
    Payload("base_and_meta", "<base href=\"javascript:alert('base')//\"><meta http-equiv=\"refresh\" content=\"0;url=javascript:alert('meta')\">"),
    Payload("template_injection", "{{ 7*7 }} {% debug %} {{ request.user.password }}", "{{ 7*7 }}"),
    Payload("long", "<img src=x onerror=alert('long')>" * 12),
]  # fmt: skip

# Who people are, written straight into the user table (no form limits what a name may hold).
CIO_NAME = "<script>window.__xss='cio name'</script> Dana"
CIO_TITLE = "<img src=x onerror=\"window.__xss='cio title'\">"
CPO_NAME = "<svg/onload=alert('cpo_name')> Marcus"
CPO_TITLE = "\"><iframe src=javascript:alert('cpo_title')>"
DEPARTED_NAME = "<img src=x onerror=\"window.__xss='departed'\"> Former deputy"
# Plan.period holds 20 characters: both still run if printed raw.
IDAHO_PERIOD = "<svg onload=alert()>"
MAINE_PERIOD = '"><script>alert()//'


@dataclass
class Hostile:
    """Idaho's plan with one item per payload (the payload in its title, description, update,
    comment and evidence name, owned by a CIO delegate named after it), an item whose owner has
    left, and Maine's plan shared with peers; both plans have hostile periods."""

    cio: User
    cpo: User
    staff: User
    plan: Plan
    items: list[tuple[Payload, Item]] = field(default_factory=list)
    departed: User | None = None
    departed_item: Item | None = None


def _fit(text: str, limit: int) -> str:
    return text[:limit]


@pytest.fixture
def hostile(settings: Settings, tmp_path: Path) -> Hostile:
    """Everything written through the services, as people would; names and periods via the ORM."""
    settings.MEDIA_ROOT = tmp_path
    factories.load_reference()
    cio = factories.make_member("ID", Role.CIO, email="cio@id.example", full_name=CIO_NAME, title=CIO_TITLE)
    cpo = factories.make_member("ID", Role.CPO, email="cpo@id.example", full_name=CPO_NAME, title=CPO_TITLE)
    # Someone whose mention handle is "import", so `<style>@import ...` is a valid mention and the
    # comment is stored whole rather than refused as a mention of a stranger.
    factories.make_member("ID", Role.VIEWER, email="import@id.example", full_name="Ima Porter")
    staff = factories.make_staff("NASCIO", email="staff@nascio.example", full_name="Nat Staff")
    framework = current_framework()
    assert framework is not None
    idaho = Jurisdiction.objects.get(code="ID")
    plan = services.adopt_framework(framework, jurisdiction=idaho, fiscal_year=2027, by=cio)
    Plan.objects.filter(pk=plan.pk).update(period=IDAHO_PERIOD)
    plan.refresh_from_db()
    maine_cio = factories.make_member("ME", Role.CIO, email="cio@me.example", full_name="Robin Pelletier")
    maine = services.adopt_framework(
        framework, jurisdiction=Jurisdiction.objects.get(code="ME"), fiscal_year=2027, by=maine_cio
    )
    Plan.objects.filter(pk=maine.pk).update(period=MAINE_PERIOD, sharing=Sharing.PEERS)

    today = timezone.localdate()
    dimension = first_dimension()
    world = Hostile(cio=cio, cpo=cpo, staff=staff, plan=plan)
    for n, payload in enumerate(CORPUS, start=1):
        owner = factories.make_member(
            "ID",
            Role.CIO_DELEGATE,
            email=f"deputy{n}@id.example",
            full_name=_fit(payload.text, 150),
            title=_fit(payload.text, 150),
        )
        item = services.create_item(
            plan,
            by=cio,
            dimension=dimension,
            title=_fit(payload.text, 200),
            description=f"Item {n} description.\n\n{payload.text}",
            side="joint",
            starts_on=today,
            due_on=today + datetime.timedelta(days=7),  # due soon: on the CPO's My updates
            cio_owner=owner,
            cpo_owner=cpo,
        )
        services.post_update(
            item,
            author=owner,
            side="cio",
            status=Status.ON_TRACK,
            progress=10,
            narrative=f"Update {n}.\n\n{payload.text}",
        )
        services.add_comment(item, author=owner, body=f"Comment {n}.\n\n{payload.text}")
        # A file name cannot hold "/" (browsers send only the last part of a path): drop it.
        name = f"{_fit(payload.text.replace('/', ''), 140)}.pdf"
        upload = factories.pdf(name)
        services.attach_evidence(item, by=owner, upload=upload)
        services.sign_off(item, by=owner, side="cio")  # awaiting the CPO's signature
        world.items.append((payload, item))

    # An owner who has since left: the dashboard, the turnover page and the edit form name them.
    departed = factories.make_member("ID", Role.CIO_DELEGATE, email="gone@id.example", full_name=DEPARTED_NAME)
    world.departed = departed
    world.departed_item = services.create_item(
        plan,
        by=cio,
        dimension=dimension,
        title="<script>window.__xss='departed item'</script> Vendor scorecard",
        side="joint",
        starts_on=today,
        due_on=plan.ends_on,
        cio_owner=departed,
        cpo_owner=cpo,
    )
    Membership.objects.filter(user=departed).update(ended_on=today - datetime.timedelta(days=1))
    return world


# --- The browser ------------------------------------------------------------------------------

# Everything a payload could leave in the DOM, whether or not it has run yet.
FIND_PLANTED = """
() => {
  const found = [];
  const ours = location.origin + "/static/";
  // Browsers ignore whitespace and control characters inside a URL scheme ("jav\\tascript:").
  const squash = (value) => value.replace(/[\\u0000-\\u0020\\u007f-\\u009f]/g, "").toLowerCase();
  const urlAttributes = new Set([
    "href", "src", "action", "formaction", "data", "xlink:href", "poster", "background", "srcdoc",
    "values", "to", "from", "codebase", "dynsrc", "lowsrc", "ping", "cite", "longdesc", "content",
  ]);
  const never = new Set(["iframe", "frame", "frameset", "object", "embed", "applet", "base", "style", "portal"]);
  const describe = (el) => el.outerHTML.slice(0, 160);
  for (const el of document.querySelectorAll("*")) {
    const tag = el.localName;
    if (never.has(tag)) found.push(`<${tag}> element: ${describe(el)}`);
    if (tag === "script" && !(el.src && el.src.startsWith(ours))) found.push(`script not ours: ${describe(el)}`);
    if (tag === "meta" && el.httpEquiv) found.push(`meta http-equiv: ${describe(el)}`);
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      const value = squash(attr.value);
      if (name.startsWith("on")) found.push(`${name} attribute on <${tag}>: ${describe(el)}`);
      if (value.startsWith("javascript:") || value.startsWith("vbscript:")) {
        found.push(`${name}=${attr.value} on <${tag}>`);
      } else if (urlAttributes.has(name) && value.startsWith("data:")) {
        found.push(`${name}=${attr.value.slice(0, 60)} on <${tag}>`);
      }
      if (name === "style" && /url\\(|expression|javascript/.test(value)) found.push(`style=${attr.value} on <${tag}>`);
    }
  }
  return found;
}
"""


@dataclass
class Watched:
    """A page in a CSP-bypassing context, and what it reported: dialogs and script errors."""

    page: Page
    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@pytest.fixture
def unprotected(browser: Browser) -> Iterator[Watched]:
    """A context that ignores our CSP, with JavaScript on: only escaping stands in the way."""
    context: BrowserContext = browser.new_context(bypass_csp=True, java_script_enabled=True)
    context.set_default_timeout(10_000)
    watched = Watched(page=context.new_page())

    def on_dialog(dialog: Dialog) -> None:
        watched.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    watched.page.on("dialog", on_dialog)
    watched.page.on("pageerror", lambda error: watched.errors.append(error.message))
    yield watched
    context.close()


def visit(watched: Watched, url: str) -> None:
    """Open `url` and fail if anything from the payloads ran or was planted in the DOM."""
    page = watched.page
    response = page.goto(url)
    assert response is not None and response.status == 200, f"{url}: {response.status if response else 'no answer'}"
    page.wait_for_load_state("load")
    flag = page.evaluate("() => window.__xss === undefined ? null : String(window.__xss)")
    planted = page.evaluate(FIND_PLANTED)
    problems = [f"dialog opened: {d}" for d in watched.dialogs]
    problems += [f"window.__xss = {flag!r}"] if flag is not None else []
    problems += [f"script error (did a payload run?): {e}" for e in watched.errors]
    problems += [f"planted: {p}" for p in planted]
    assert not problems, f"{url}\n" + "\n".join(f"  {p}" for p in problems)


def squashed(text: str | None) -> str:
    return " ".join((text or "").split())


def shows(page: Page, selector: str, expected: str) -> None:
    """The text people typed reads as text (escaped, not dropped) inside `selector`."""
    seen = squashed(" ".join(page.locator(selector).all_text_contents()))
    assert squashed(expected) in seen, f"{expected!r} is not shown in {selector}"


# --- The pages --------------------------------------------------------------------------------


def check_item_details(watched: Watched, live_server: LiveServer, world: Hostile) -> None:
    page = watched.page
    for n, (payload, item) in enumerate(world.items, start=1):
        visit(watched, f"{live_server.url}/items/{item.pk}/")
        assert squashed(page.locator("h1").text_content()) == squashed(item.title)
        assert squashed(item.title) in squashed(page.title())
        shows(page, ".usa-breadcrumb__list-item.usa-current", item.title)
        owner = item.cio_owner
        assert owner is not None
        shows(page, "[data-testid=owner-cio]", owner.full_name)
        shows(page, "[data-testid=comments]", owner.full_name)
        shows(page, "[data-testid=signature-cio]", owner.full_name)
        shows(page, "[data-testid=viewer]", world.cpo.full_name)
        attachment = Attachment.objects.get(item=item)
        assert squashed(page.locator("[data-testid=evidence] a").first.text_content()) == squashed(
            attachment.original_name
        )
        shows(page, "[data-testid=description]", f"Item {n} description.")
        shows(page, "[data-testid=latest-cio]", f"Update {n}.")
        shows(page, "[data-testid=comments]", f"Comment {n}.")
        shows(page, "[data-testid=timeline]", owner.full_name)
        if payload.survives:
            for where in ("[data-testid=description]", "[data-testid=latest-cio]", "[data-testid=comments]"):
                shows(page, where, payload.survives)
    assert world.departed_item is not None and world.departed is not None
    visit(watched, f"{live_server.url}/items/{world.departed_item.pk}/")
    shows(page, "[data-testid=owner-cio]", world.departed.full_name)
    assert Comment.objects.count() == len(CORPUS)  # every comment was stored whole, none refused


def check_dashboard(watched: Watched, live_server: LiveServer, world: Hostile) -> None:
    visit(watched, f"{live_server.url}/plans/{world.plan.pk}/")
    shows(watched.page, "h1", f"Idaho action plan, {IDAHO_PERIOD}")
    assert world.departed is not None
    shows(watched.page, "main", world.departed.full_name)  # the vacancy alert
    shows(watched.page, "main", world.items[-1][1].title)  # recent activity


def check_item_list(watched: Watched, live_server: LiveServer, world: Hostile) -> None:
    visit(watched, f"{live_server.url}/plans/{world.plan.pk}/items/")
    links = {squashed(t) for t in watched.page.locator("table.jp-items th a").all_text_contents()}
    missing = [item.title for _, item in world.items if squashed(item.title) not in links]
    assert not missing, f"titles not shown as typed: {missing}"
    for _, item in world.items[:3]:
        assert item.cio_owner is not None
        shows(watched.page, "table.jp-items", item.cio_owner.full_name)


def check_my_updates(watched: Watched, live_server: LiveServer, world: Hostile) -> None:
    visit(watched, f"{live_server.url}/my-updates/")
    shows(watched.page, "main", f"Idaho {IDAHO_PERIOD}")
    # Each item is listed once, under its most pressing heading: the CIO signed, so the CPO's
    # signature is what it waits for (it is due soon too, which its entry says).
    for _, item in world.items:
        shows(watched.page, "section:has(#owed-sign_off) .jp-inbox", item.title)


def check_home(watched: Watched, live_server: LiveServer, world: Hostile) -> None:
    visit(watched, f"{live_server.url}/")
    shows(watched.page, "h1", f"Welcome, {world.cpo.full_name.split(' ')[0]}")
    shows(watched.page, "[data-testid=counterparts]", CIO_NAME)
    shows(watched.page, "[data-testid=counterparts]", CIO_TITLE)
    for _, item in world.items[:3]:
        assert item.cio_owner is not None
        shows(watched.page, "main", item.cio_owner.full_name)  # colleagues


def check_home_for_staff(watched: Watched, live_server: LiveServer, world: Hostile) -> None:
    visit(watched, f"{live_server.url}/")
    shows(watched.page, "[data-testid=national-roster]", CIO_NAME)
    shows(watched.page, "[data-testid=national-roster]", CPO_NAME)


def check_plan_list(watched: Watched, live_server: LiveServer, world: Hostile) -> None:
    visit(watched, f"{live_server.url}/plans/")
    shows(watched.page, "main", f"Idaho {IDAHO_PERIOD}")
    shows(watched.page, "main", f"Maine {MAINE_PERIOD}")


def check_item_forms(watched: Watched, live_server: LiveServer, world: Hostile) -> None:
    """The edit, update and archive pages of the hostile items: titles in headings, form values,
    owner choices (full name and role) and the latest updates."""
    page = watched.page
    for _, item in world.items[:8]:
        visit(watched, f"{live_server.url}/items/{item.pk}/edit/")
        assert page.locator("#id_title").input_value() == item.title
        owner = item.cio_owner
        assert owner is not None
        shows(page, "#id_cio_owner option:checked", f"{owner.full_name}, Delegate of the CIO")
        visit(watched, f"{live_server.url}/items/{item.pk}/update/")
        shows(page, ".usa-intro", item.title)
        visit(watched, f"{live_server.url}/items/{item.pk}/archive/")
        shows(page, "main", item.title)


def check_edit_with_departed_owner(watched: Watched, live_server: LiveServer, world: Hostile) -> None:
    """The edit form explains that the owner has left, naming them in the field's hint."""
    assert world.departed_item is not None and world.departed is not None
    visit(watched, f"{live_server.url}/items/{world.departed_item.pk}/edit/")
    shows(watched.page, "#id_cio_owner_helptext", f"{world.departed.full_name} no longer holds")


def check_turnover(watched: Watched, live_server: LiveServer, world: Hostile) -> None:
    assert world.departed is not None
    visit(watched, f"{live_server.url}/plans/{world.plan.pk}/owners/")
    shows(watched.page, "h2", world.departed.full_name)


Check = Callable[[Watched, LiveServer, Hostile], None]
PAGES = [
    pytest.param(check_item_details, "cpo", id="item_detail"),
    pytest.param(check_dashboard, "cpo", id="plan_dashboard"),
    pytest.param(check_item_list, "cpo", id="item_list"),
    pytest.param(check_my_updates, "cpo", id="my_updates"),
    pytest.param(check_home, "cpo", id="home"),
    pytest.param(check_home_for_staff, "staff", id="home_staff"),
    pytest.param(check_plan_list, "cpo", id="plan_list"),
    pytest.param(check_item_forms, "cio", id="item_edit_and_update_forms"),
    pytest.param(check_edit_with_departed_owner, "cio", id="item_edit_departed_owner"),
    pytest.param(check_turnover, "cio", id="turnover"),
]


@pytest.mark.parametrize(("check", "viewer"), PAGES)
def test_hostile_text_is_shown_as_text_and_never_runs(
    unprotected: Watched, live_server: LiveServer, hostile: Hostile, check: Check, viewer: str
) -> None:
    user = {"cio": hostile.cio, "cpo": hostile.cpo, "staff": hostile.staff}[viewer]
    login(unprotected.page, live_server, user.email, factories.PASSWORD)
    check(unprotected, live_server, hostile)


def test_the_corpus_has_at_least_15_distinct_payloads() -> None:
    assert len(CORPUS) >= 15
    assert len({p.key for p in CORPUS}) == len({p.text for p in CORPUS}) == len(CORPUS)
