"""Names for generated domains and their fields: deterministic, varied, snake_case."""

from __future__ import annotations

import random
from dataclasses import dataclass

# (singular, plural): the business nouns backends are built around.
NOUNS: tuple[tuple[str, str], ...] = (
    ("order", "orders"),
    ("invoice", "invoices"),
    ("customer", "customers"),
    ("product", "products"),
    ("shipment", "shipments"),
    ("payment", "payments"),
    ("refund", "refunds"),
    ("ticket", "tickets"),
    ("project", "projects"),
    ("task", "tasks"),
    ("comment", "comments"),
    ("review", "reviews"),
    ("coupon", "coupons"),
    ("subscription", "subscriptions"),
    ("plan", "plans"),
    ("account", "accounts"),
    ("team", "teams"),
    ("member", "members"),
    ("invitation", "invitations"),
    ("notification", "notifications"),
    ("webhook", "webhooks"),
    ("report", "reports"),
    ("document", "documents"),
    ("attachment", "attachments"),
    ("category", "categories"),
    ("tag", "tags"),
    ("vendor", "vendors"),
    ("warehouse", "warehouses"),
    ("supplier", "suppliers"),
    ("contract", "contracts"),
    ("lead", "leads"),
    ("opportunity", "opportunities"),
    ("campaign", "campaigns"),
    ("survey", "surveys"),
    ("question", "questions"),
    ("course", "courses"),
    ("lesson", "lessons"),
    ("enrollment", "enrollments"),
    ("booking", "bookings"),
    ("room", "rooms"),
    ("reservation", "reservations"),
    ("vehicle", "vehicles"),
    ("trip", "trips"),
    ("driver", "drivers"),
    ("device", "devices"),
    ("sensor", "sensors"),
    ("reading", "readings"),
    ("alert", "alerts"),
    ("incident", "incidents"),
    ("policy", "policies"),
    ("claim", "claims"),
    ("quote", "quotes"),
    ("budget", "budgets"),
    ("expense", "expenses"),
    ("asset", "assets"),
    ("license", "licenses"),
    ("release", "releases"),
    ("deployment", "deployments"),
    ("environment", "environments"),
    ("message", "messages"),
    ("channel", "channels"),
    ("warranty", "warranties"),
    ("delivery", "deliveries"),
    ("inventory_item", "inventory_items"),
)

QUALIFIERS: tuple[str, ...] = (
    "partner",
    "internal",
    "regional",
    "scheduled",
    "shared",
    "external",
    "premium",
    "enterprise",
    "guest",
    "trial",
    "archived",
    "bulk",
    "mobile",
    "legacy",
    "recurring",
)

# Field names by kind; each entity draws a handful.
FIELDS: dict[str, tuple[str, ...]] = {
    "str": ("name", "title", "code", "reference", "label", "external_id", "slug", "currency", "sku"),
    "text": ("description", "notes", "summary", "body"),
    "int": ("quantity", "position", "priority", "attempts", "capacity", "seats", "duration_minutes"),
    "money": ("amount_cents", "total_cents", "price_cents", "balance_cents", "fee_cents"),
    "bool": ("is_public", "is_archived", "is_verified", "requires_approval", "is_flagged"),
    "datetime": ("due_at", "starts_at", "ends_at", "closed_at", "published_at", "expires_at"),
    "date": ("effective_on", "valid_from", "valid_until"),
    "decimal": ("rate", "score", "weight", "discount_rate"),
}

STATUSES: tuple[tuple[str, ...], ...] = (
    ("draft", "open", "closed"),
    ("pending", "active", "suspended", "cancelled"),
    ("new", "in_review", "approved", "rejected"),
    ("requested", "confirmed", "completed", "cancelled"),
    ("queued", "running", "done", "failed"),
)

ACTIONS: tuple[str, ...] = ("archive", "approve", "publish", "close", "reopen", "confirm", "cancel", "lock")


def camel(snake: str) -> str:
    return "".join(part.capitalize() for part in snake.split("_"))


def domain_names(index: int) -> tuple[str, str]:
    """(singular, plural) of the ``index``-th domain: every noun, then qualified nouns, then numbered."""
    count = len(NOUNS)
    singular, plural = NOUNS[index % count]
    round_ = index // count
    if round_ == 0:
        return singular, plural
    if round_ <= len(QUALIFIERS):
        qualifier = QUALIFIERS[round_ - 1]
        return f"{qualifier}_{singular}", f"{qualifier}_{plural}"
    return f"{singular}_{round_}", f"{plural}_{round_}"


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    kind: str
    optional: bool


def pick_fields(rng: random.Random) -> tuple[Field, ...]:
    """Seven to ten business fields: always a string label and an amount or a count."""
    chosen: dict[str, Field] = {}
    label = rng.choice(FIELDS["str"][:3])
    chosen[label] = Field(label, "str", False)
    measure = rng.choice(("money", "int"))
    name = rng.choice(FIELDS[measure])
    chosen[name] = Field(name, measure, False)
    kinds = ["str", "text", "int", "money", "bool", "datetime", "date", "decimal"]
    while len(chosen) < rng.randint(7, 10):
        kind = rng.choice(kinds)
        name = rng.choice(FIELDS[kind])
        if name not in chosen:
            chosen[name] = Field(name, kind, rng.random() < 0.4 and kind not in {"bool"})
    return tuple(chosen.values())
