"""Uploads are judged by their content (issue 9 §4, §5)."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image

from liaison.uploads import check_upload


def photo_with_gps(name="photo.jpg", fmt="JPEG", size=(40, 30)) -> SimpleUploadedFile:
    image = Image.new("RGB", size, "red")
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Phone"
    exif[ExifTags.Base.Orientation] = 6  # taken sideways
    exif[ExifTags.IFD.GPSInfo] = {ExifTags.GPS.GPSLatitudeRef: "N", ExifTags.GPS.GPSLatitude: (31.0, 14.0, 5.0)}
    buffer = io.BytesIO()
    image.save(buffer, fmt, exif=exif)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/pdf")


def test_exif_and_gps_are_dropped_and_the_picture_stays_upright():
    upload = photo_with_gps()
    assert Image.open(io.BytesIO(upload.read())).getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the test photo has GPS
    safe = check_upload(upload, kinds=("image",))
    stored = Image.open(io.BytesIO(safe.file.read()))
    assert dict(stored.getexif()) == {}
    assert stored.size == (30, 40)  # rotated by its orientation tag before the tag went


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_exif_is_dropped_from_png_and_webp(fmt):
    safe = check_upload(photo_with_gps(name="x.png", fmt=fmt), kinds=("image",))
    assert dict(Image.open(io.BytesIO(safe.file.read())).getexif()) == {}


def test_the_extension_comes_from_the_content_not_the_name():
    safe = check_upload(photo_with_gps(name="invoice.pdf"), kinds=("image", "pdf"))
    assert (safe.extension, safe.content_type) == ("jpg", "image/jpeg")
    assert safe.file.name.endswith(".jpg") and "invoice" not in safe.file.name


def test_a_pdf_is_recognised_by_its_magic():
    upload = SimpleUploadedFile("scan.jpg", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n%%EOF")
    safe = check_upload(upload, kinds=("image", "pdf"))
    assert (safe.extension, safe.content_type) == ("pdf", "application/pdf")
    with pytest.raises(ValidationError, match="不是可以识别的图片（JPG、PNG）"):
        check_upload(upload, kinds=("image",))


def test_a_disguised_file_is_refused_in_chinese():
    upload = SimpleUploadedFile("photo.jpg", b"<html><script>alert(1)</script></html>")
    with pytest.raises(ValidationError, match="不是可以识别的"):
        check_upload(upload, kinds=("image", "pdf"))


def test_a_144_megapixel_png_is_refused_before_it_is_decoded():
    buffer = io.BytesIO()
    Image.new("1", (12_000, 12_000)).save(buffer, "PNG")  # tiny on disk, 144 megapixels decoded
    upload = SimpleUploadedFile("bomb.png", buffer.getvalue())
    assert upload.size < 1024 * 1024
    with pytest.raises(ValidationError, match="超过 40 百万像素的上限"):
        check_upload(upload, kinds=("image",))


def test_size_limit():
    with pytest.raises(ValidationError, match="超过 1 MB 的上限"):
        check_upload(SimpleUploadedFile("big.jpg", b"x" * (2 * 1024 * 1024)), kinds=("image",), max_bytes=1024 * 1024)
