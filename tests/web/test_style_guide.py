"""The design system (templates/components/) and its style guide page (/admin/style-guide).

The macros are rendered through the app's own Jinja environment and compared exactly, since
hand-written markup elsewhere relies on the same class names; the page is read as an admin and
as an agent who is not one.
"""

from __future__ import annotations

import re
from pathlib import Path

import httpx

from frontdesk.web.state import WebState
from frontdesk.web.templating import TEMPLATES, environment, translations_for
from tests.web.test_pages_admin import AGENT_PASSWORD, create_agent, log_in, log_in_admin

SPRITE = Path(TEMPLATES).parent / "static" / "icons" / "sprite.svg"


def render(source: str) -> str:
    """One snippet through the app's environment, with the context the pages give macros."""
    template = environment.from_string(source)
    return template.render(_=translations_for("en").gettext).strip()


def test_button_macros_render_the_component_classes() -> None:
    macros = '{% import "components/buttons.html" as b with context %}'
    assert render(macros + '{{ b.button("Save", "primary", type="submit") }}') == (
        '<button type="submit" class="btn btn-primary">Save</button>'
    )
    assert render(macros + '{{ b.button("Delete", "danger", attrs={"name": "go"}) }}') == (
        '<button type="button" class="btn btn-danger" name="go">Delete</button>'
    )
    assert render(macros + '{{ b.icon_button("edit", "Edit <it>") }}') == (
        '<button type="button" class="btn btn-secondary btn-icon" aria-label="Edit &lt;it&gt;"'
        ' title="Edit &lt;it&gt;"><svg class="icon" aria-hidden="true">'
        '<use href="/static/icons/sprite.svg#icon-edit"></use></svg></button>'
    )
    assert render(macros + '{{ b.link_button("New", "/new", "primary", icon="plus") }}') == (
        '<a class="btn btn-primary" href="/new"><svg class="icon" aria-hidden="true">'
        '<use href="/static/icons/sprite.svg#icon-plus"></use></svg>New</a>'
    )


def test_icon_macro_is_decorative_unless_labelled() -> None:
    macros = '{% from "components/icons.html" import icon %}'
    assert render(macros + '{{ icon("lock") }}') == (
        '<svg class="icon" aria-hidden="true">'
        '<use href="/static/icons/sprite.svg#icon-lock"></use></svg>'
    )
    assert render(macros + '{{ icon("lock", "Locked") }}') == (
        '<svg class="icon" role="img" aria-label="Locked"><title>Locked</title>'
        '<use href="/static/icons/sprite.svg#icon-lock"></use></svg>'
    )


def test_every_listed_icon_is_in_the_sprite() -> None:
    names = render('{% import "components/icons.html" as i %}{{ i.names|join(" ") }}').split()
    symbols = re.findall(r'<symbol id="icon-([a-z-]+)" viewBox="0 0 24 24"', SPRITE.read_text())
    assert symbols == names
    assert len(names) == 32
    assert (SPRITE.parent / "LICENSE").read_text().startswith("ISC License")


def test_field_ties_label_hint_and_error_to_the_control() -> None:
    macros = '{% import "components/forms.html" as f with context %}'
    assert render(
        macros + '{{ f.field("title", "Subject", value="a\\"b", hint="Short.",'
        ' error="Too long.", required=true) }}'
    ) == (
        '<div class="field">\n'
        '  <label for="title">Subject <span aria-hidden="true">*</span></label>\n'
        '  <input id="title" name="title" type="text" value="a&#34;b" required'
        ' aria-invalid="true" aria-describedby="title-error title-hint">\n'
        '  <p class="muted hint" id="title-hint">Short.</p>'
        '<p class="field-error" id="title-error">Too long.</p>\n'
        "</div>"
    )
    plain = render(macros + '{{ f.control("q", "search", value="x") }}')
    assert plain == '<input id="q" name="q" type="search" value="x">'


def test_badges_always_carry_their_text() -> None:
    macros = '{% import "components/badges.html" as g with context %}'
    assert render(macros + '{{ g.state_badge("pending reminder", "pending reminder") }}') == (
        '<span class="badge badge-state-pending">pending reminder</span>'
    )
    assert render(macros + '{{ g.priority_badge("5 very high", 5) }}') == (
        '<span class="badge badge-priority-5">5 very high</span>'
    )
    assert render(macros + "{{ g.lock_badge(true) }}") == (
        '<span class="badge badge-lock"><svg class="icon" aria-hidden="true">'
        '<use href="/static/icons/sprite.svg#icon-lock"></use></svg>locked</span>'
    )


def test_table_pieces() -> None:
    macros = '{% import "components/tables.html" as t with context %}'
    assert render(macros + '{{ t.sort_header("Age", "/q?sort=age", "ascending") }}') == (
        '<th scope="col" aria-sort="ascending"><a class="sort-link" href="/q?sort=age">Age'
        '<svg class="icon" aria-hidden="true">'
        '<use href="/static/icons/sprite.svg#icon-chevron-up"></use></svg></a></th>'
    )
    assert render(macros + '{{ t.select_cell(5, "Select ticket 5") }}') == (
        '<td class="select-cell"><input type="checkbox" id="select-5" name="selected" value="5"'
        ' data-row-select><label for="select-5" class="visually-hidden">Select ticket 5</label>'
        "</td>"
    )
    assert render(macros + '{{ t.pager({"offset": 0, "limit": 10, "total": 0}) }}') == ""


async def test_admins_see_every_component(client: httpx.AsyncClient) -> None:
    await log_in_admin(client)
    response = await client.get("/admin/style-guide")
    assert response.status_code == 200
    page = response.text
    assert "<title>Style guide · Frontdesk</title>" in page
    assert '<a href="/admin/style-guide" aria-current="page">Style guide</a>' in page
    headings = re.findall(r'<h2 id="([a-z]+)">([^<]+)</h2>', page)
    assert headings == [
        ("buttons", "Buttons"),
        ("icons", "Icons"),
        ("forms", "Form fields"),
        ("badges", "Badges"),
        ("tables", "Tables"),
        ("tabs", "Tabs"),
        ("dialogs", "Dialog"),
        ("feedback", "Feedback"),
    ]
    for bit in (
        '<button type="submit" class="btn btn-primary" form="style-guide-form">Save</button>',
        '<button type="button" class="btn btn-secondary">Cancel</button>',
        'class="btn btn-secondary btn-icon" aria-label="Edit ticket"',
        '<p class="field-error" id="sg-email-error">This is not an email address.</p>',
        'aria-invalid="true" aria-describedby="sg-email-error"',
        'aria-describedby="sg-title-hint"',
        '<span class="badge badge-state-closed">closed successful</span>',
        '<span class="badge badge-priority-1">1 very low</span>',
        '<span class="badge badge-lock">',
        '<div class="table-wrap table-sticky" tabindex="0" role="region"'
        ' aria-label="Sample tickets">',
        '<div class="table-wrap" tabindex="0" role="region" aria-label="An empty list">',
        '<th scope="col" aria-sort="descending">',
        'data-row-select><label for="select-2026120710000011" class="visually-hidden">'
        "Select ticket 2026120710000011</label>",
        "<span>26–50 of 60</span>",
        '<td colspan="2" class="empty-state">No tickets in this queue.</td>',
        '<a href="#tabs" aria-current="page">Timeline</a>',
        'data-dialog-open="style-guide-dialog" aria-haspopup="dialog">Open the dialog</button>',
        '<dialog class="dialog" id="style-guide-dialog"'
        ' aria-labelledby="style-guide-dialog-title">',
        '<button type="button" class="btn btn-secondary" data-dialog-close="">Cancel</button>',
        '<p class="toast toast-error">The ticket could not be moved.</p>',
        '<div class="skeleton" role="status">',
        '<p class="empty-state-title">No tickets yet</p>',
        '<script type="module" src="/static/js/dialogs.js"></script>',
    ):
        assert bit in page, bit
    icons = re.findall(r"<li><svg[^>]*><use href=\"/static/icons/sprite.svg#icon-([a-z-]+)\"", page)
    assert len(icons) == 32
    assert icons[:3] == ["ticket", "queue", "chat"]
    overview = await client.get("/admin")
    assert '<a href="/admin/style-guide">Style guide</a>' in overview.text


async def test_other_agents_get_403_and_no_components(
    client: httpx.AsyncClient, web: WebState
) -> None:
    await create_agent(web, "bob", AGENT_PASSWORD)
    await log_in(client, "bob", AGENT_PASSWORD)
    response = await client.get("/admin/style-guide")
    assert response.status_code == 403
    assert "Only administrators may do this." in response.text
    assert 'class="admin-nav' not in response.text
    assert "style-guide" not in response.text
    assert "Buttons" not in response.text


async def test_the_sprite_is_served_as_svg(client: httpx.AsyncClient) -> None:
    response = await client.get("/static/icons/sprite.svg")
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/svg+xml"
    assert '<symbol id="icon-paperclip"' in response.text
