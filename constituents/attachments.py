"""One small check for files a department attaches to its reply: PDF or image, by content.

The name and the browser's content type are not trusted: the first bytes must be a
PDF, PNG, JPEG or GIF signature, and an image must also open and verify with Pillow.
(liaison/uploads.py will later hold the project's one upload check; this is the
casework's until then.)"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from PIL import Image, UnidentifiedImageError

from .conf import casework_setting

SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)


def check_attachment(upload) -> str:
    """Return the content type the file really has, or raise a ValidationError in Chinese."""
    name = getattr(upload, "name", "") or "附件"
    limit = casework_setting("ATTACHMENT_MAX_BYTES")
    if upload.size > limit:
        raise ValidationError({"attachments": f"“{name}”超过 {limit // (1024 * 1024)} MB，请压缩后再上传。"})
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    content_type = next((kind for magic, kind in SIGNATURES if head.startswith(magic)), None)
    if content_type is None:
        raise ValidationError({"attachments": f"“{name}”不是 PDF 或图片文件（只接受 PDF、JPG、PNG、GIF）。"})
    if content_type.startswith("image/"):
        try:
            with Image.open(upload) as image:
                image.verify()
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
            raise ValidationError({"attachments": f"“{name}”图片已损坏，无法打开。"}) from error
        finally:
            upload.seek(0)
    return content_type
