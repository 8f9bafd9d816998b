"""The citizen report form; the API validates its input with the same form."""

from __future__ import annotations

import re

from flask import current_app
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    HiddenField,
    MultipleFileField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from tingia.centres.service import province_directory, provinces_by_name
from tingia.i18n import CATEGORY_HINT_LABELS, PLATFORM_LABELS, AppForm
from tingia.intake.service import as_uploaded, find_pending_uploads
from tingia.intake.uploads import ImageRejected, UploadedImage, read_image_upload
from tingia.matching.urls import canonical_url
from tingia.models import CategoryHint, Platform

PHONE_SEPARATORS = re.compile(r"[\s.\-()]")
PHONE_PATTERN = re.compile(r"^(\+84|84|0)\d{8,10}$")


def normalise_link(raw: str | None) -> str | None:
    """Trim a pasted link and add https:// when the scheme was left out."""
    link = (raw or "").strip()
    if not link:
        return None
    if "://" not in link:
        link = "https://" + link
    return link


def province_choices() -> list[SelectChoice]:
    """The 34 provinces, alphabetical by their proper name, for the select (names in
    Vietnamese, marked so on English pages)."""
    return [
        SelectChoice(code, name, render_kw={"lang": "vi"}) for code, name in provinces_by_name()
    ]


class ReportForm(AppForm):
    """What a citizen reports: at least one of text, link or screenshot."""

    content = TextAreaField(
        _l("What did you see?"),
        [Optional(), Length(max=20_000)],
        description=_l("Paste the text of the post or message, as it appeared."),
    )
    url = StringField(
        _l("Link"),
        [Optional(), Length(max=2048)],
        description=_l("The address of the post, video or website."),
    )
    platform = SelectField(
        _l("Where did you see it?"),
        [DataRequired(message=_l("Choose where you saw it."))],
        choices=[SelectChoice("", _l("Choose…"))]
        + [SelectChoice(code, PLATFORM_LABELS[code]) for code in Platform],
    )
    province = SelectField(
        _l("Your province or city"),
        [DataRequired(message=_l("Choose your province or city."))],
        choices=[],
        validate_choice=False,  # checked against the database in validate_province
    )
    category_hint = RadioField(
        _l("What does it look like?"),
        choices=[SelectChoice(code, CATEGORY_HINT_LABELS[code]) for code in CategoryHint],
        default="unsure",
        validators=[Optional()],
    )
    images = MultipleFileField(
        _l("Screenshots or photos"),
        description=_l("Up to 5 images (JPEG, PNG or WebP), 10 MB each."),
    )
    # Tokens of images checked on an earlier try of this form (it came back with errors):
    # ticked, they are sent again without being chosen again.
    kept_images = SelectMultipleField(_l("Images you already chose"), validate_choice=False)
    submission_key = HiddenField()
    contact_name = StringField(_l("Your name"), [Optional(), Length(max=200)])
    contact_email = StringField(
        _l("Email"),
        [Optional(), Length(max=254), Email(message=_l("Enter a valid email address."))],
    )
    contact_phone = StringField(_l("Phone"), [Optional(), Length(max=32)])
    contact_consent = BooleanField(
        _l(
            "I agree that the centre may use these contact details only to ask me about this "
            "report and to tell me the outcome. They are never published or shared."
        )
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.province.choices = [SelectChoice("", _l("Choose…"))] + province_choices()
        self.uploaded_images: list[UploadedImage] = []
        self.kept_uploads = find_pending_uploads(list(self.kept_images.data or []))
        # The most specific HTTP status among image errors (413 too large, 415 wrong type).
        self.image_error_status: int | None = None

    @property
    def all_images(self) -> list[UploadedImage]:
        """The images kept from an earlier try, then the ones sent now."""
        return [as_uploaded(upload) for upload in self.kept_uploads] + self.uploaded_images

    def validate_url(self, field: StringField) -> None:
        link = normalise_link(field.data)
        field.data = link
        if link and canonical_url(link) is None:
            raise ValidationError(_l("Enter a web address starting with http:// or https://."))

    def validate_province(self, field: SelectField) -> None:
        if field.data and field.data not in province_directory().codes:
            raise ValidationError(_l("Choose one of the 34 provinces and cities."))

    def validate_category_hint(self, field: RadioField) -> None:
        if not field.data:
            field.data = "unsure"

    def validate_contact_phone(self, field: StringField) -> None:
        if field.data:
            digits = PHONE_SEPARATORS.sub("", field.data)
            if not PHONE_PATTERN.match(digits):
                raise ValidationError(_l("Enter a Vietnamese phone number, e.g. 0912 345 678."))
            field.data = digits

    def validate_images(self, field: MultipleFileField) -> None:
        uploads = [item for item in (field.data or []) if getattr(item, "filename", None)]
        config = current_app.config
        if len(uploads) + len(self.kept_uploads) > config["MAX_IMAGES"]:
            raise ValidationError(_l("Send at most %(n)s images.", n=config["MAX_IMAGES"]))
        messages = []
        for upload in uploads:
            try:
                self.uploaded_images.append(read_image_upload(upload, config["MAX_IMAGE_BYTES"]))
            except ImageRejected as rejected:
                messages.append(rejected.message)
                self.image_error_status = max(self.image_error_status or 0, rejected.status)
        if messages:
            raise ValidationError(" ".join(messages))

    def validate(self, extra_validators=None) -> bool:
        """Field checks, then the rules that span fields."""
        valid = super().validate(extra_validators)
        for name in ("content", "contact_name", "contact_email"):
            field = getattr(self, name)
            field.data = (field.data or "").strip() or None
        has_images = self.uploaded_images or self.kept_uploads or self.images.errors
        if not (self.content.data or self.url.data or has_images):
            self.content.errors = list(self.content.errors) + [
                _l("Give at least the text, a link or a screenshot.")
            ]
            valid = False
        has_contact = self.contact_name.data or self.contact_email.data or self.contact_phone.data
        if has_contact and not self.contact_consent.data:
            self.contact_consent.errors = list(self.contact_consent.errors) + [
                _l("Tick this box to let us use your contact details, or leave them empty.")
            ]
            valid = False
        return valid


class EraseContactForm(AppForm):
    """A reporter asks for their contact details to be deleted (CSRF-protected POST)."""

    confirm = BooleanField(
        _l("Delete my name, email and phone number from this report."),
        [DataRequired(message=_l("Tick this box to confirm."))],
    )


class TrackForm(AppForm):
    """Look up a report by its tracking code."""

    class Meta:
        csrf = False  # a GET lookup changes nothing

    code = StringField(_l("Tracking code"), [DataRequired(), Length(max=32)])
