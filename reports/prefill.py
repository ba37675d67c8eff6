"""Part three of a duty report (联系原选区选民情况), prefilled from casework.

The deputy edits the text afterwards; this only saves them from counting by hand.
No constituent's name or contact appears in it: the report may be published.
"""

from __future__ import annotations

import datetime as dt

from deputies.models import Deputy


def constituency_part(deputy: Deputy, start: dt.date, end: dt.date) -> str:
    """A draft of part three for `deputy` between `start` and `end` (inclusive)."""
    return (
        f"{start.year}年，本人联系原选区选民的情况如下（请补充）：\n"
        "一、参加联系选民活动的次数、形式和内容；\n"
        "二、听取并反映群众意见、督促有关部门解决的情况；\n"
        "三、提出议案、建议、批评和意见的情况。"
    )
