"""The demo district's registry: one current term in its third year, 4 offices,
12 groups, ~150 deputies (a few who left), ~40 departments, demo accounts."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.hashers import make_password
from simple_history.utils import bulk_create_with_history

from liaison import demo_clock
from liaison.demo_names import mobile, person_name
from liaison.models import Role, User

from .models import Community, Constituency, Department, Deputy, DeputyGroup, DeputyStatus, SubDistrict, Term

SUB_DISTRICTS = ["城关街道办事处", "东城街道办事处", "西湖街道办事处", "南山街道办事处"]
ORDINALS = "一二三四五六七八九十"
COMMUNITY_STEMS = [
    "幸福里", "和平", "光明", "解放路", "新华", "建设", "滨河", "青年路", "文化街", "朝阳", "民主路", "团结",
    "胜利", "红星", "向阳", "长安", "锦绣", "丰收", "春晖", "翠苑", "金桥", "书院", "花园", "振兴",
]
UNITS = ["区第一中学", "区人民医院", "纺织厂", "机械公司", "区供销社", "农商银行支行", "物流园", "工业园管委会",
         "区职业中专", "建筑公司", "食品公司", "区中心小学"]
PARTIES = ["中共党员"] * 6 + ["群众"] * 2 + ["民盟盟员", "民建会员", "九三学社社员", "农工党党员", "致公党党员"]
JOBS = ["社区党委书记、居委会主任", "区人民医院主治医师", "区第一中学教师", "纺织厂车间主任", "个体工商户",
        "物业公司经理", "建筑公司项目经理", "农商银行支行行长", "退休教师", "律师事务所律师", "食品公司总经理",
        "街道办事处副主任", "幼儿园园长", "社区卫生服务中心医生", "出租车司机", "环卫所班长", "科技公司工程师"]
DEPARTMENTS = [
    ("区发展和改革局", "government"), ("区教育局", "government"), ("区科学技术局", "government"),
    ("区工业和信息化局", "government"), ("区公安分局", "government"), ("区民政局", "government"),
    ("区司法局", "government"), ("区财政局", "government"), ("区人力资源和社会保障局", "government"),
    ("区自然资源局", "government"), ("区生态环境分局", "government"), ("区住房和城乡建设局", "government"),
    ("区城市管理局", "government"), ("区交通运输局", "government"), ("区水务局", "government"),
    ("区农业农村局", "government"), ("区商务局", "government"), ("区文化和旅游局", "government"),
    ("区卫生健康委员会", "government"), ("区退役军人事务局", "government"), ("区应急管理局", "government"),
    ("区审计局", "government"), ("区市场监督管理局", "government"), ("区统计局", "government"),
    ("区医疗保障局", "government"), ("区信访局", "government"), ("区数据资源管理局", "government"),
    ("区体育局", "government"), ("区机关事务管理局", "government"), ("区政务服务中心", "government"),
    ("区园林绿化中心", "government"), ("区城市更新中心", "government"), ("区消防救援大队", "government"),
    ("区残疾人联合会", "other"), ("区供电公司", "other"), ("区自来水公司", "other"), ("区燃气公司", "other"),
    ("区公交公司", "other"), ("区人民法院", "court"), ("区人民检察院", "procuratorate"),
]


def seed(context: dict) -> None:
    # The registry was set up when the term began.
    with demo_clock.at(dt.date(2024, 1, 8), 9):
        _seed(context)


def _seed(context: dict) -> None:
    rng = context["rng"]
    password = make_password(context["password"])
    Term.objects.create(name="第十七届", number=17, start_date=dt.date(2019, 1, 1), end_date=dt.date(2023, 12, 31))
    term = Term.objects.create(
        name="第十八届", number=18, start_date=dt.date(2024, 1, 1), end_date=dt.date(2028, 12, 31), is_current=True
    )
    context["term"] = term

    def account(username: str, role: str, last: str, first: str, **extra) -> User:
        return User.objects.create(
            username=username, role=role, last_name=last, first_name=first, password=password,
            email=f"{username}@example.com", **extra,
        )

    account("admin", Role.STAFF, "系统", "管理员", is_superuser=True, is_staff=True)
    account("staff", Role.STAFF, "周", "明华", is_staff=True)
    account("committee", Role.COMMITTEE, "常", "卫国")
    # 三员分立: the three separated administrators.
    account("sysadmin", Role.SYSTEM_ADMIN, "孙", "立新", is_staff=True)
    account("secadmin", Role.SECURITY_ADMIN, "钱", "安平", is_staff=True)
    account("auditadmin", Role.AUDIT_ADMIN, "赵", "审言")

    offices = [SubDistrict.objects.create(name=name) for name in SUB_DISTRICTS]
    groups: list[DeputyGroup] = []
    for index in range(12):
        office = offices[index // 3]
        groups.append(DeputyGroup.objects.create(
            name=f"{office.name[:2]}第{ORDINALS[index % 3]}代表组", sub_district=office, sort_order=index + 1
        ))
    liaisons = []
    for index, group in enumerate(groups, start=1):
        username = "liaison" if index == 1 else f"liaison{index:02d}"
        name = person_name(rng)
        liaison = account(username, Role.LIAISON, name[0], name[1:])
        group.liaisons.add(liaison)
        liaisons.append(liaison)
    context["groups"] = groups

    # Each office has its own streets: 24 community names per office, none repeated.
    stems = {office.pk: iter(rng.sample(COMMUNITY_STEMS, len(COMMUNITY_STEMS))) for office in offices}
    constituencies: list[Constituency] = []
    communities: list[Community] = []
    number = 0
    for group in groups:
        for _ in range(4):
            number += 1
            constituency = Constituency.objects.create(
                term=term, group=group, name=f"第{number}选区", seats=3
            )
            constituencies.append(constituency)
            for kind_index in range(3):
                if kind_index < 2:
                    stem = next(stems[group.sub_district_id])
                    name, kind = f"{group.sub_district.name[:2]}{stem}社区", Community.Kind.COMMUNITY
                else:
                    name, kind = f"{group.sub_district.name[:2]}{rng.choice(UNITS)}", Community.Kind.UNIT
                person = person_name(rng)
                communities.append(Community(
                    constituency=constituency, name=name, kind=kind, contact_person=person, contact_phone=mobile(rng)
                ))
    # Unit names may repeat inside one constituency: keep the first.
    seen: set[tuple[int, str]] = set()
    unique_communities = []
    for community in communities:
        key = (community.constituency_id, community.name)
        if key not in seen:
            seen.add(key)
            unique_communities.append(community)
    bulk_create_with_history(unique_communities, Community, default_change_reason="deputies.demo.seeded")

    deputies: list[Deputy] = []
    used_names: set[str] = set()
    for index, constituency in enumerate(constituencies):
        seats = 4 if index % 8 == 0 else 3
        for _ in range(seats):
            name = person_name(rng)
            while name in used_names:
                name = person_name(rng)
            used_names.add(name)
            deputies.append(Deputy(
                term=term, group=constituency.group, constituency=constituency, name=name,
                gender=rng.choice(["男", "男", "女"]), ethnicity=rng.choice(["汉族"] * 9 + ["回族", "满族", "蒙古族"]),
                birth_month=dt.date(rng.randint(1958, 1990), rng.randint(1, 12), 1), party=rng.choice(PARTIES),
                work_unit=rng.choice(JOBS), phone=mobile(rng),
            ))
    leavers = rng.sample(range(len(deputies)), 6)
    reasons = [DeputyStatus.RESIGNED, DeputyStatus.TRANSFERRED, DeputyStatus.TRANSFERRED, DeputyStatus.DECEASED,
               DeputyStatus.RECALLED, DeputyStatus.RESIGNED]
    for leaver, reason in zip(leavers, reasons, strict=True):
        if leaver in (0, 12, 13):  # keep the demo deputies of groups 1 and 2 serving
            continue
        deputies[leaver].status = reason
        deputies[leaver].left_on = dt.date(rng.choice([2024, 2025, 2026]), rng.randint(1, 10), rng.randint(1, 28))
    bulk_create_with_history(deputies, Deputy, default_change_reason="deputies.demo.seeded")

    first_of_group = {}
    for deputy in Deputy.objects.filter(term=term).order_by("id"):
        first_of_group.setdefault(deputy.group_id, deputy)
    for username, group in (("deputy", groups[0]), ("deputy2", groups[1])):
        deputy = first_of_group[group.pk]
        user = account(username, Role.DEPUTY, deputy.name[0], deputy.name[1:])
        deputy.user = user
        deputy.save(update_fields=["user"])

    bulk_create_with_history(
        [Department(name=name, kind=kind, contact_person=person_name(rng), contact_phone=mobile(rng))
         for name, kind in DEPARTMENTS],
        Department, default_change_reason="deputies.demo.seeded",
    )
    # 承办单位账号: two departments work on the platform; the others' steps are 代录 by liaisons.
    for username, department_name, last, first in (("dept", "区住房和城乡建设局", "郑", "建国"),
                                                   ("dept2", "区民政局", "何", "丽萍")):
        Department.objects.get(name=department_name).users.add(account(username, Role.DEPARTMENT, last, first))
