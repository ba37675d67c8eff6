"""Believable Chinese names for the demo district."""

from __future__ import annotations

import random

FAMILY = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红玉兰建华文明海燕雪梅晓东丽华春生德华永红国庆淑珍玉梅子涵宇轩欣怡浩然梓萱俊杰思远雨桐嘉怡泽宇佳琪振华立新爱民卫东秀珍桂芳凤英金凤"


def person_name(rng: random.Random) -> str:
    given = "".join(rng.choice(GIVEN) for _ in range(rng.choice([1, 2, 2])))
    return rng.choice(FAMILY) + given


def mobile(rng: random.Random) -> str:
    return rng.choice(["138", "139", "135", "150", "152", "158", "186", "187", "177", "133"]) + f"{rng.randrange(10**8):08d}"
