"""The demo county's supervision (issue 16): 第一督查组 … 第七督查组, their inspections, findings, actions, praise.

Contract: `add_supervision(s, rng, today)` (the hub's clerk session of core.demo.build, after the
county's tasks are written) records through the core's own calls (core.supervision.groups,
inspections, actions; core.scoring.store.add_bonus): seven groups sharing every unit, about two
inspections per group on weekdays of the last eleven weeks, each checking open tasks of the
units visited — one task checked twice, so the nail view shows it — with one or two findings
(some with a rectification task, some deducting, some naming a person), accountability actions
following a few findings, a 通报批评 and two 通报表扬. The same `rng` gives the same records.
Returns the number of inspections. Invented names only.
"""
from __future__ import annotations

import datetime as dt
import random

from core.office import Session
from core.scoring.store import add_bonus
from core.supervision.actions import add_action
from core.supervision.groups import add_group
from core.supervision.inspections import add_finding, add_inspection
from core.supervision.kinds import METHODS

GROUPS = ("第一督查组", "第二督查组", "第三督查组", "第四督查组", "第五督查组", "第六督查组", "第七督查组")
LEADS = ("周志明", "吴国强", "郑立新", "冯建华", "陈晓东", "褚卫平", "卫光辉")
MEMBERS = ("蒋丽", "沈洁", "韩磊", "杨帆", "朱敏", "秦浩", "许静", "何平", "吕娜", "施勇", "张颖", "孔伟", "曹琳", "严峰")
CADRES = ("刘德华", "马建国", "黄志强", "林海燕", "罗文军", "梁晓红")
FINDINGS = ("工作台账不健全，部分节点无佐证材料", "责任分工未落实到人，推进进度滞后于计划",
            "整改清单销号不规范，存在“纸面整改”现象", "群众反映问题回应不及时，办结反馈缺失",
            "项目现场施工组织混乱，安全措施不到位", "信息报送不及时，数据与实际不符")
PRAISE = ("创新“网格+督办”工作法，群众诉求办结率明显提高", "重点项目“一线工作法”成效明显，提前完成年度目标")


def _weekday(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    return day


def _open_tasks(s: Session, units: list[str], before: dt.date) -> list[str]:
    marks = ",".join("?" * len(units))
    return [r[0] for r in s.db.execute(
        "SELECT DISTINCT t.task_no FROM task t JOIN assignment a ON a.task_id = t.id JOIN unit u ON u.id = a.unit_id "
        f"JOIN assignment_status st ON st.assignment_id = a.id WHERE u.code IN ({marks}) AND t.assigned_on < ? "
        "AND st.state NOT IN ('closed', 'cancelled') ORDER BY t.year, t.seq", [*units, before.isoformat()])]


def add_supervision(s: Session, rng: random.Random, today: dt.date) -> int:
    """Record the demo's supervision (see the module contract); the number of inspections."""
    codes = [r[0] for r in s.db.execute("SELECT code FROM unit WHERE active = 1 ORDER BY kind DESC, id")]
    covered = {g: codes[i::len(GROUPS)] for i, g in enumerate(GROUPS)}
    for i, g in enumerate(GROUPS):
        add_group(s, g, LEADS[i], [MEMBERS[2 * i], MEMBERS[2 * i + 1]], covered[g])
    inspections, nail_task, findings = 0, None, []
    for i, g in enumerate(GROUPS):
        for k, back in enumerate((70 - 4 * i, 21 - 2 * i)):
            on = _weekday(today - dt.timedelta(days=back + rng.randrange(3)))
            visited = rng.sample(covered[g], min(3, len(covered[g])))
            tasks = _open_tasks(s, visited, on)[:2]
            if i == 0 and k == 0 and tasks:
                nail_task = tasks[0]
            if i == 0 and k == 1 and nail_task and nail_task not in tasks:
                tasks = [nail_task, *tasks[:1]]  # checked again: the nail view
            method = "follow_through" if (i == 0 and k == 1) else rng.choice(METHODS[:4])
            iid = add_inspection(s, g, on, method, visited, tasks, f"{g}赴{len(visited)}个单位实地督查，查阅台账、走访群众。")
            inspections += 1
            for n, unit in enumerate(visited[:1 + rng.randrange(2)]):
                text = rng.choice(FINDINGS)
                person = rng.choice(CADRES) if rng.random() < 0.4 else ""
                added = add_finding(s, iid, unit, "major" if rng.random() < 0.3 else "minor", text,
                                    rectify="general" if n == 0 and rng.random() < 0.7 else None,
                                    deduct=rng.random() < 0.5, person=person)
                findings.append((added.id, unit, on, person))
    for fid, unit, on, person in findings[::4]:
        add_action(s, unit, "talk", min(today, on + dt.timedelta(days=2)), "就督查发现问题约谈单位主要负责同志",
                   person=person, finding_id=fid)
    if len(findings) > 3:
        fid, unit, on, _p = findings[3]
        add_action(s, unit, "criticism", min(today, on + dt.timedelta(days=3)), "整改不力，予以通报批评",
                   finding_id=fid)
        fid, unit, on, _p = findings[-1]
        add_action(s, unit, "rectify_order", min(today, on + dt.timedelta(days=1)), "责令限期整改并报送整改报告",
                   finding_id=fid)
    for n, text in enumerate(PRAISE):
        add_bonus(s, codes[n * 5], "public_praise", _weekday(today - dt.timedelta(days=10 + 20 * n)), text,
                  rng.choice(CADRES))
    return inspections
