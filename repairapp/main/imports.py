"""The CSV import flow shared by assets and contracts: upload, preview every problem with its
line number, and write nothing until the file is clean and the admin confirms."""

import base64
import binascii

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import HiddenField

from repairapp.extensions import db
from repairapp.main.form_errors import StaffForm


class ImportForm(StaffForm):
    #: The upload sends the file, the confirmation the checked content: never both.
    may_be_absent = ("content",)

    file = FileField(_l("CSV file (UTF-8 or Excel's Chinese encoding)"))
    #: The checked file, carried from the preview to the confirmation.
    content = HiddenField()


def _payload(form: ImportForm) -> bytes | None:
    if form.content.data:
        try:
            return base64.b64decode(form.content.data, validate=True)
        except (binascii.Error, ValueError):
            return None
    upload = form.file.data
    return upload.read() if upload and getattr(upload, "filename", "") else None


def import_view(title: str, check, apply, back: str):
    """Upload → preview (errors, or the rows about to be written) → confirm → write."""
    form = ImportForm()
    preview = None
    if form.validate_on_submit():
        data = _payload(form)
        if data is None:
            form.file.errors.append(_("Choose a CSV file."))
        else:
            rows, errors = check(data)
            if form.content.data and not errors:
                created, updated = apply(rows)
                db.session.commit()
                flash(_("Imported: %(created)d new, %(updated)d updated.", created=created,
                        updated=updated))
                return redirect(url_for(back))
            preview = {"rows": len(rows), "errors": errors,
                       "new": sum(1 for r in rows if r.get("is_new")),
                       "content": base64.b64encode(data).decode() if not errors else ""}
    return render_template("_import.html", form=form, preview=preview, title=title,
                           back=back), 422 if preview and preview["errors"] else 200
