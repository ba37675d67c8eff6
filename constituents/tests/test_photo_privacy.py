"""Activity photos: stored by content, without EXIF (GPS), within a pixel limit (issue 9 §4, §5)."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import ExifTags, Image

from constituents.tests.factories import ContactActivityFactory
from liaison.tests.test_uploads import photo_with_gps


def test_a_photo_named_pdf_is_stored_and_served_as_a_jpeg_without_gps(client_of, deputy_a):
    activity = ContactActivityFactory(constituency=deputy_a.constituency, deputies=[deputy_a])
    client = client_of(deputy_a.user)
    client.post(reverse("constituents:activity_photo_add", args=[activity.pk]),
                {"image": photo_with_gps(name="现场.pdf"), "caption": "走访现场"})
    photo = activity.photos.get()
    assert photo.image.name.endswith(".jpg")
    with photo.image.open("rb") as stored:
        assert dict(Image.open(io.BytesIO(stored.read())).getexif()) == {}
    response = client.get(reverse("constituents:activity_photo", args=[photo.pk]))
    assert response["Content-Type"] == "image/jpeg"
    assert ExifTags.IFD.GPSInfo  # the fixture photo carried GPS (see liaison/tests/test_uploads.py)


def test_a_huge_png_is_refused_with_a_chinese_message(client_of, deputy_a):
    activity = ContactActivityFactory(constituency=deputy_a.constituency, deputies=[deputy_a])
    buffer = io.BytesIO()
    Image.new("1", (12_000, 12_000)).save(buffer, "PNG")
    response = client_of(deputy_a.user).post(
        reverse("constituents:activity_photo_add", args=[activity.pk]),
        {"image": SimpleUploadedFile("大图.png", buffer.getvalue(), content_type="image/png")}, follow=True,
    )
    assert activity.photos.count() == 0
    assert "百万像素的上限" in response.content.decode()


def test_a_photo_added_in_the_admin_is_checked_and_cleaned_too(db):
    from constituents.admin import ActivityPhotoAdminForm

    form = ActivityPhotoAdminForm({"caption": "合影"}, {"image": photo_with_gps(name="合影.pdf")})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["image"].name.endswith(".jpg"), form.cleaned_data["image"].name
    bad = ActivityPhotoAdminForm({"caption": "x"}, {"image": SimpleUploadedFile("x.jpg", b"<html>")})
    assert not bad.is_valid()
    assert "image" in bad.errors
