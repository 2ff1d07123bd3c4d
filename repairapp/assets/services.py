"""Label codes and asset look-ups."""

import re
import secrets

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from repairapp.assets.models import Asset, Label
from repairapp.customers.models import Site
from repairapp.extensions import db

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
#: Tags are listed in CSV cells and label batches separated by spaces, commas or semicolons.
TAG_SHAPE = re.compile(r"[^\s,;，；、]+")
CODE_LENGTH = 12  # 60 bits: unguessable, yet a small QR in alphanumeric mode
# Crockford's decoding is forgiving of the letters people misread on a label.
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})


def new_label_code() -> str:
    """A fresh random label code (60 bits from the OS's CSPRNG)."""
    return "".join(secrets.choice(CROCKFORD) for _ in range(CODE_LENGTH))


def normalize_code(raw: str) -> str | None:
    """The canonical form of a typed or scanned code, or None if it cannot be one."""
    code = raw.strip().upper().replace("-", "").translate(_READ_AS)
    if len(code) != CODE_LENGTH or any(c not in CROCKFORD for c in code):
        return None
    return code


def issue_label(asset: Asset) -> Label:
    """Give an asset a new label code (the caller commits)."""
    label = Label(asset=asset, code=new_label_code())
    db.session.add(label)
    return label


def label_for_code(raw: str) -> Label | None:
    """The label (current or revoked) with this code, its asset, site and customer loaded,
    and the asset's warranty plan with its calendar (the scan page's promise in warranty)."""
    code = normalize_code(raw)
    if code is None:
        return None
    from repairapp.contracts.models import ServicePlan  # contracts import assets

    asset = joinedload(Label.asset)
    return db.session.scalar(
        sa.select(Label).where(Label.code == code)
        .options(asset.joinedload(Asset.site).joinedload(Site.customer),
                 asset.joinedload(Asset.warranty_plan).joinedload(ServicePlan.calendar)))


def contracts_elsewhere(asset: Asset, site_id: int) -> str | None:
    """The number of a contract that would end up covering another customer's machine if
    the asset moved to `site_id`; None if the move keeps contracts consistent."""
    from repairapp.contracts.models import Contract, contract_assets

    new_customer = db.session.scalar(sa.select(Site.customer_id).where(Site.id == site_id))
    return db.session.scalar(
        sa.select(Contract.number).join(contract_assets)
        .where(contract_assets.c.asset_id == asset.id, Contract.customer_id != new_customer)
        .limit(1))
