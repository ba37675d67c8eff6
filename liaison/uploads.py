"""Uploads, checked by what they contain, never by the name the browser sent.

`check_upload(upload, kinds=("image",))` is the one door for every file a
person uploads:

- the kind is read from the bytes (Pillow for images, the ``%PDF-`` magic for
  PDFs, the ZIP magic and workbook part for .xlsx);
- the stored extension and content type come from that kind, so a JPEG named
  ``.pdf`` is stored and served as a JPEG;
- images above a pixel limit are refused before they are decoded (a
  "decompression bomb" of 144 megapixels costs half a gigabyte of memory);
- images are re-encoded without their metadata, so EXIF GPS (where a photo
  was taken: 行踪轨迹, sensitive under PIPL) and camera data are dropped.

Errors are `ValidationError`s in Chinese, ready for a form.
"""

from __future__ import annotations

import io
import uuid
import warnings
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

# Pillow format → (extension, content type). Only formats every browser shows.
IMAGE_FORMATS = {
    "JPEG": ("jpg", "image/jpeg"),
    "PNG": ("png", "image/png"),
    "GIF": ("gif", "image/gif"),
    "WEBP": ("webp", "image/webp"),
}
KIND_LABELS = {"image": "图片（JPG、PNG）", "pdf": "PDF 文件", "xlsx": "Excel（.xlsx）文件"}


def upload_limits() -> dict:
    """Defaults, overridable with UPLOADS = {...} in settings."""
    return {
        "MAX_BYTES": 10 * 1024 * 1024,
        "MAX_PIXELS": 40_000_000,
        **getattr(settings, "UPLOADS", {}),
    }


@dataclass(frozen=True)
class SafeUpload:
    """What to store: fresh bytes under a name and type derived from the content."""

    file: ContentFile
    extension: str
    content_type: str
    kind: str


def _display_name(upload) -> str:
    name = str(getattr(upload, "name", "") or "上传的文件")
    return name.rsplit("/", 1)[-1][:60]


def _read(upload) -> bytes:
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read()
    if hasattr(upload, "seek"):
        upload.seek(0)
    return data


def check_upload(upload, *, kinds: Iterable[str], max_bytes: int | None = None,
                 max_pixels: int | None = None) -> SafeUpload:
    """Verify `upload` by its content and return what may be stored; raise ValidationError in Chinese."""
    kinds = tuple(kinds)
    limits = upload_limits()
    max_bytes = max_bytes or limits["MAX_BYTES"]
    max_pixels = max_pixels or limits["MAX_PIXELS"]
    name = _display_name(upload)
    size = getattr(upload, "size", None)
    if size is not None and size > max_bytes:
        raise ValidationError(
            f"文件“{name}”有 {size / 1024 / 1024:.1f} MB，超过 {max_bytes / 1024 / 1024:.0f} MB 的上限。"
        )
    data = _read(upload)
    if len(data) > max_bytes:
        raise ValidationError(f"文件“{name}”超过 {max_bytes / 1024 / 1024:.0f} MB 的上限。")
    if not data:
        raise ValidationError(f"文件“{name}”是空的。")

    if "pdf" in kinds and data.startswith(b"%PDF-"):
        return SafeUpload(ContentFile(data, name=f"{uuid.uuid4().hex}.pdf"), "pdf", "application/pdf", "pdf")
    if "xlsx" in kinds and data.startswith(b"PK\x03\x04") and _is_workbook(data):
        return SafeUpload(
            ContentFile(data, name=f"{uuid.uuid4().hex}.xlsx"), "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx",
        )
    if "image" in kinds:
        image = _clean_image(data, name=name, max_pixels=max_pixels, kinds=kinds)
        if image is not None:
            return image
    wanted = "或".join(KIND_LABELS.get(kind, kind) for kind in kinds)
    raise ValidationError(f"“{name}”不是可以识别的{wanted}，请检查后重新上传。")


def _is_workbook(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False


def _clean_image(data: bytes, *, name: str, max_pixels: int, kinds) -> SafeUpload | None:
    try:
        with warnings.catch_warnings():  # the pixel limit below speaks to the user instead
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                image_format = probe.format
                width, height = probe.size
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return None
    if image_format not in IMAGE_FORMATS:
        return None
    if width * height > max_pixels:
        raise ValidationError(
            f"图片“{name}”有 {width}×{height} 像素（约 {width * height / 1_000_000:.0f} 百万像素），"
            f"超过 {max_pixels / 1_000_000:.0f} 百万像素的上限，请缩小后再上传。"
        )
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            # Keep the picture upright before the orientation tag goes away with the rest of EXIF.
            upright = ImageOps.exif_transpose(image)
            extension, content_type = IMAGE_FORMATS[image_format]
            out = io.BytesIO()
            if image_format == "JPEG":
                upright = upright.convert("RGB") if upright.mode not in ("RGB", "L") else upright
                upright.save(out, format="JPEG", quality=90, optimize=True)
            elif image_format == "GIF":
                upright.save(out, format="GIF")
            elif image_format == "WEBP":
                upright.save(out, format="WEBP", quality=90)
            else:
                upright.save(out, format="PNG", optimize=True)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise ValidationError(f"图片“{name}”已损坏，无法读取，请重新导出后上传。") from error
    return SafeUpload(ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.{extension}"), extension,
                      content_type, "image")
