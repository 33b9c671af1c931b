"""The sample glossary `canon dev` starts with: lead, MQL and SQL, agreed by sales and marketing.

It goes through the same use cases as the API (create, submit, two approvals, publish), so the seeded data has
versions, approvals, events and audit records like any other.
"""

from __future__ import annotations

from typing import Any

import msgspec

from service.domain.errors import Conflict
from service.domain.model import Principal, Role
from service.domain.operations import DefinitionCreate, PersonCreate
from service.store import principals
from service.store.database import Pool
from service.usecases import entries, people
from service.usecases.entries import EntryContext

# The people of the sample glossary: an editor who writes and publishes, and one approver per agreeing team.
PEOPLE: tuple[PersonCreate, ...] = (
    PersonCreate(
        subject="riley@canon.example", name="Riley Ortiz (RevOps editor)", role=Role.editor, teams=["marketing"]
    ),
    PersonCreate(subject="sam@canon.example", name="Sam Patel (sales lead)", role=Role.approver, teams=["sales"]),
    PersonCreate(
        subject="morgan@canon.example", name="Morgan Lee (marketing lead)", role=Role.approver, teams=["marketing"]
    ),
)
SEEDER = Principal(subject="canon-dev", name="canon dev seed", role=Role.admin, credential="cli")

GLOSSARY: list[dict[str, Any]] = [
    {
        "slug": "lead",
        "title": "Lead",
        "tags": ["funnel", "glossary"],
        "owners": ["marketing", "sales"],
        "content": {
            "summary": "A person who has shown interest and whom we can contact.",
            "body": (
                "# Lead\n\nA **lead** is a person at a prospective customer who has given us a way to reach them "
                "(form fill, event scan, inbound chat) and has not opted out.\n\n"
                "Leads are owned by marketing until they qualify as an MQL."
            ),
            "aliases": ["prospect", "contact"],
            "examples": ["Downloaded the pricing guide with a work email"],
            "criteria": {
                "all": [
                    {"field": "email", "op": "exists", "label": "has an email address"},
                    {"not": {"field": "opted_out", "op": "eq", "value": True}, "label": "has not opted out"},
                ]
            },
        },
    },
    {
        "slug": "mql",
        "title": "Marketing Qualified Lead",
        "tags": ["funnel", "glossary"],
        "owners": ["marketing", "sales"],
        "content": {
            "summary": "A lead whose fit and engagement make it worth a sales conversation.",
            "body": (
                "# Marketing Qualified Lead (MQL)\n\nA lead becomes an **MQL** when the company fits our ideal "
                "customer profile and the person has engaged enough to be worth a call.\n\n"
                "- Company with 50 or more employees\n- In a country we sell to\n- Not a free-mail address\n"
                "- Lead score of 60+, or asked for a demo"
            ),
            "aliases": ["MQL", "marketing-qualified lead"],
            "related": ["lead", "sql"],
            "examples": ["VP Marketing at a 300-person German SaaS company who attended a webinar (score 72)"],
            "criteria": {
                "all": [
                    {"field": "company.employees", "op": "gte", "value": 50},
                    {"field": "company.country", "op": "in", "value": ["US", "CA", "GB", "DE", "FR", "NL"]},
                    {"not": {"field": "email", "op": "contains", "value": "@gmail.com"}, "label": "work email"},
                    {
                        "any": [
                            {"field": "score", "op": "gte", "value": 60},
                            {"field": "requested_demo", "op": "eq", "value": True},
                        ],
                        "label": "engaged",
                    },
                ]
            },
        },
    },
    {
        "slug": "sql",
        "title": "Sales Qualified Lead",
        "tags": ["funnel", "glossary"],
        "owners": ["sales", "marketing"],
        "content": {
            "summary": "An MQL that sales has accepted after a discovery call.",
            "body": (
                "# Sales Qualified Lead (SQL)\n\nAn **SQL** is an MQL that a seller has spoken to and confirmed: "
                "budget, a named decision maker and a need we solve, with a next step booked."
            ),
            "aliases": ["SQL", "sales-qualified lead", "SAL"],
            "related": ["mql"],
            "criteria": {
                "all": [
                    {"field": "stage", "op": "in", "value": ["discovery_done", "opportunity"]},
                    {"field": "budget_confirmed", "op": "eq", "value": True},
                    {"field": "decision_maker", "op": "exists"},
                    {"field": "next_meeting_at", "op": "exists"},
                ]
            },
        },
    },
]


async def seed_people(pool: Pool) -> list[Principal]:
    """The sample people, created if missing, as the principals their keys would act as."""
    found = []
    for person in PEOPLE:
        async with pool.acquire() as conn:
            record = await principals.find(conn, person.subject)
        if record is None:
            await people.create(pool, SEEDER, person)
            async with pool.acquire() as conn:
                record = await principals.by_subject(conn, person.subject)
        found.append(people.acting_as(record, credential="cli"))
    return found


async def seed_glossary(ctx: EntryContext) -> list[str]:
    """Create and publish every glossary entry that does not exist yet; return the slugs it published."""
    author, *approvers = await seed_people(ctx.pool)
    published = []
    for item in GLOSSARY:
        try:
            await entries.create(ctx, author, msgspec.convert(item, DefinitionCreate))
        except Conflict:
            continue
        slug = item["slug"]
        await entries.submit(ctx, author, slug, 1, None)
        for approver in approvers:
            await entries.approve(ctx, approver, slug, 1, None, "agreed in the revenue council")
        await entries.publish(ctx, author, slug, 1, None)
        published.append(slug)
    return published
