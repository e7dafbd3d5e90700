"""The "contact with data" field type through the API, on both databases: its attribute
schema, the contact directory in its own table (search with ``*``, add, edit, retire, no
delete), the lookup agents use, linking a contact to a ticket, and search by the contact's
current name."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from frontdesk.web.state import WebState
from tests.conftest import ADMIN_PASSWORD, RecordedEvents
from tests.domain.tickets.people import make_agent, make_customer
from tests.web.test_api_ticket_dynamic_fields import create, refusal, search
from tests.web.test_pages_agent import log_in

Headers = dict[str, str]
URL = "/api/v1/dynamic-fields"
SITE: dict[str, Any] = {
    "name": "Site",
    "label": "Site contact",
    "field_type": "contact_with_data",
    "config": {
        "attributes": [
            {"key": "Name", "label": "Name"},
            {"key": "ValidID", "label": "Validity"},
            {"key": "Phone", "label": "Phone"},
            {"key": "City", "label": "City"},
        ],
        "mandatory": "Phone, Nope",
        "searchable": ["City"],
        "sorted": ["Phone"],
    },
    "screens": {"agent_ticket_zoom": "shown"},
}


@pytest.fixture
async def site(client: httpx.AsyncClient, admin_headers: Headers) -> int:
    response = await client.post(URL, json=SITE, headers=admin_headers)
    assert response.status_code == 201, response.text
    field_id: int = response.json()["id"]
    return field_id


async def add(client: httpx.AsyncClient, headers: Headers, field_id: int, **attributes: str) -> Any:
    response = await client.post(
        f"{URL}/{field_id}/contacts", json={"attributes": attributes}, headers=headers
    )
    assert response.status_code == 201, response.text
    return response.json()


async def test_the_schema_is_normalised_and_checked(
    client: httpx.AsyncClient, admin_headers: Headers, site: int
) -> None:
    field = (await client.get(f"{URL}/{site}", headers=admin_headers)).json()
    assert field["config"] == {
        "attributes": SITE["config"]["attributes"],
        "mandatory": ["Name", "ValidID", "Phone"],  # unknown keys dropped
        "searchable": ["Name", "City"],
        "sorted": ["Phone", "City", "Name", "ValidID"],
        "translatable": False,
    }
    for attributes in (
        [{"key": "Name", "label": "Name"}],
        [{"key": "Name", "label": "Name"}, {"key": "ValidID", "label": ""}],
        [
            {"key": "Name", "label": "N"},
            {"key": "ValidID", "label": "V"},
            {"key": "Na me", "label": "x"},
        ],
    ):
        body = {**SITE, "name": "Other", "config": {"attributes": attributes}}
        response = await client.post(URL, json=body, headers=admin_headers)
        assert refusal(response) == (422, ["config.attributes"])


async def test_contacts_are_added_searched_edited_and_retired(
    client: httpx.AsyncClient, admin_headers: Headers, site: int, events: RecordedEvents
) -> None:
    anna = await add(client, admin_headers, site, Name="Anna Berg", Phone="+49 30 1", City="Berlin")
    await add(client, admin_headers, site, Name="bert Ohm", Phone="+49 89 2", City="München")
    assert anna["attributes"] == {"Name": "Anna Berg", "Phone": "+49 30 1", "City": "Berlin"}
    assert (anna["name"], anna["valid"]) == ("Anna Berg", True)

    async def names(term: str | None) -> list[str]:
        params = {} if term is None else {"search": term}
        response = await client.get(f"{URL}/{site}/contacts", params=params, headers=admin_headers)
        assert response.status_code == 200, response.text
        return [item["name"] for item in response.json()["items"]]

    assert await names(None) == ["Anna Berg", "bert Ohm"]  # by name, in any case
    assert await names("*") == ["Anna Berg", "bert Ohm"]
    assert await names("münch") == ["bert Ohm"]  # a searchable attribute, any case
    assert await names("b*rg") == ["Anna Berg"]
    assert await names("+49") == []  # Phone is not searchable
    assert await names("50%") == []

    events.clear()
    missing = await client.post(
        f"{URL}/{site}/contacts", json={"attributes": {"Name": "No phone"}}, headers=admin_headers
    )
    assert refusal(missing) == (422, ["attributes.Phone"])
    unknown = await client.post(
        f"{URL}/{site}/contacts",
        json={"attributes": {"Name": "X", "Phone": "1", "Shoe": "44"}},
        headers=admin_headers,
    )
    assert refusal(unknown) == (422, ["attributes.Shoe"])
    assert events == []
    assert await names(None) == ["Anna Berg", "bert Ohm"]

    renamed = await client.patch(
        f"{URL}/{site}/contacts/{anna['id']}",
        json={"attributes": {"Name": "Anna Kant", "Phone": "+49 30 1"}, "valid": False},
        headers=admin_headers,
    )
    assert renamed.status_code == 200, renamed.text
    assert (renamed.json()["name"], renamed.json()["valid"]) == ("Anna Kant", False)
    assert await names("berlin") == []  # the city was removed
    # No hard delete.
    response = await client.delete(f"{URL}/{site}/contacts/{anna['id']}", headers=admin_headers)
    assert response.status_code == 405


async def test_agents_link_valid_contacts_and_find_tickets_by_current_name(
    client: httpx.AsyncClient, admin_headers: Headers, site: int, web: WebState
) -> None:
    anna = await add(client, admin_headers, site, Name="Anna Berg", Phone="1", City="Berlin")
    retired = await add(client, admin_headers, site, Name="Anton Alt", Phone="2")
    await client.patch(
        f"{URL}/{site}/contacts/{retired['id']}", json={"valid": False}, headers=admin_headers
    )
    _, agent = await make_agent(web, "worker", ["rw"])
    lookup = await client.get(f"{URL}/{site}/options", params={"term": "an"}, headers=agent)
    assert lookup.status_code == 200, lookup.text
    assert lookup.json() == {
        "items": [{"key": str(anna["id"]), "value": "Anna Berg", "columns": []}]
    }
    _, customer = await make_customer(web, "jane")
    assert (await client.get(f"{URL}/{site}/options", headers=customer)).status_code == 404

    response, created = await create(client, agent, dynamic_fields={"Site": anna["id"]})
    assert response.status_code == 201, response.text
    assert created["dynamic_fields"] == {"Site": anna["id"]}
    for bad in (retired["id"], 999_999, "Anna Berg", True):
        response, _ = await create(client, agent, dynamic_fields={"Site": bad})
        assert refusal(response) == (422, ["dynamic_fields.Site"]), bad

    assert await search(client, agent, **{"df.Site": "anna*"}) == ["Printer on fire"]
    await client.patch(
        f"{URL}/{site}/contacts/{anna['id']}",
        json={"attributes": {"Name": "Anna Kant", "Phone": "1"}},
        headers=admin_headers,
    )
    assert await search(client, agent, **{"df.Site": "Anna Kant"}) == ["Printer on fire"]
    assert await search(client, agent, **{"df.Site": "Anna Berg"}) == []
    assert await search(client, agent, **{"df.Site": f"#{anna['id']}"}) == ["Printer on fire"]
    # The contact directory is for administrators.
    response = await client.get(f"{URL}/{site}/contacts", headers=agent)
    assert response.status_code == 403


async def test_the_zoom_shows_the_linked_contact_in_a_box_of_its_own(
    client: httpx.AsyncClient, admin_headers: Headers, site: int
) -> None:
    anna = await add(
        client, admin_headers, site, Name="Anna <Berg>", Phone="+49 30 1", City="Berlin"
    )
    _, ticket = await create(client, admin_headers, dynamic_fields={"Site": anna["id"]})
    await log_in(client, "admin", ADMIN_PASSWORD, "agent")
    zoom = (await client.get(f"/agent/tickets/{ticket['id']}")).text
    box = zoom[zoom.index('data-contact-box="Site"') :]
    box = box[: box.index("</details>")]
    # The field's order: Phone first, then the rest by key; validity not shown.
    assert (
        "<dl>\n<dt>Phone</dt><dd>+49 30 1</dd><dt>City</dt><dd>Berlin</dd>"
        "<dt>Name</dt><dd>Anna &lt;Berg&gt;</dd>"
    ) in box
    assert "<h2>Site contact</h2>" in box
    assert '<dt data-field="Site">' not in zoom


async def test_a_contact_field_on_a_form_neither_blocks_nor_empties_it(
    client: httpx.AsyncClient, admin_headers: Headers, site: int
) -> None:
    """The forms have no lookup control yet: a contact field enabled on them (even as
    mandatory) is left as it is by a post."""
    screens = {"agent_ticket_phone": "mandatory", "agent_ticket_edit_fields": "shown"}
    await client.patch(f"{URL}/{site}", json={"screens": screens}, headers=admin_headers)
    anna = await add(client, admin_headers, site, Name="Anna", Phone="1")
    csrf = await log_in(client, "admin", ADMIN_PASSWORD, "agent")
    form = await client.get("/agent/tickets/new")
    assert "df_Site" not in form.text
    created = await client.post(
        "/agent/tickets/new",
        data={"csrf_token": csrf, "title": "T", "queue_id": "2", "body": "x"},
    )
    assert created.status_code == 303, created.text
    ticket_id = int(created.headers["location"].split("/")[-1].split("?")[0])
    await client.patch(
        f"/api/v1/tickets/{ticket_id}",
        json={"dynamic_fields": {"Site": anna["id"]}},
        headers=admin_headers,
    )
    saved = await client.post(f"/agent/tickets/{ticket_id}/fields", data={"csrf_token": csrf})
    assert saved.status_code == 303, saved.text
    ticket = (await client.get(f"/api/v1/tickets/{ticket_id}", headers=admin_headers)).json()
    assert ticket["dynamic_fields"] == {"Site": anna["id"]}
