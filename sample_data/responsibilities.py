"""A synthetic responsibility list (权责清单) over the sample city's agencies, deterministic.

Each matter is a power of a department (the handing-down department, 划转部门); some were
handed down to a town (the town then holds it), the rest stayed with the department. The
matters are made from each domain's subjects and violations, the legal basis from the
domain's laws. ``python -m sample_data.responsibilities FILE --items N`` writes the list as
an import file (CSV / XLSX), the same rows the seeder stores.
"""

from __future__ import annotations

import argparse
import csv
import io
import random
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from sqlalchemy import insert
from sqlalchemy.engine import Connection

from data_access.models import Responsibility

#: domain -> (the department that holds it, its laws, its subjects, its violations)
DOMAINS: dict[str, tuple[str, tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "规划建设": ("市住房和城乡建设局", ("《中华人民共和国建筑法》", "《建设工程质量管理条例》", "《城乡规划法》"),
             ("建设单位", "施工单位", "房地产开发企业", "物业服务企业", "监理单位"),
             ("未取得施工许可证擅自施工", "未按规定办理竣工验收备案", "擅自改变房屋承重结构", "违反规定转包工程",
              "未按规定设置施工围挡", "未按规定公示建设信息")),
    "城镇管理": ("市城市管理综合执法局", ("《城市市容和环境卫生管理条例》", "《城市道路管理条例》"),
             ("沿街商户", "流动摊贩", "广告设置单位", "建筑垃圾运输单位", "餐饮经营者"),
             ("占道经营", "擅自设置户外广告", "随意倾倒建筑垃圾", "擅自占用城市道路", "违规晾晒堆放物品",
              "油烟直排")),
    "生态环境": ("市生态环境局", ("《中华人民共和国环境保护法》", "《大气污染防治法》", "《水污染防治法》"),
             ("排污单位", "工业企业", "畜禽养殖场", "建筑工地", "加油站"),
             ("超标排放污染物", "未批先建", "未按规定安装在线监测设备", "露天焚烧", "违规设置排污口")),
    "国土资源": ("市自然资源和规划局", ("《中华人民共和国土地管理法》", "《矿产资源法》"),
             ("农村村民", "采矿企业", "用地单位", "个人"),
             ("非法占用耕地建房", "未经批准非法采砂", "擅自改变土地用途", "破坏永久基本农田", "越界开采矿产")),
    "安全生产": ("市应急管理局", ("《中华人民共和国安全生产法》", "《危险化学品安全管理条例》"),
             ("生产经营单位", "危险化学品经营单位", "小微企业", "仓储企业"),
             ("未按规定开展安全培训", "未设置安全警示标志", "违规储存危险化学品", "未建立事故隐患排查制度")),
    "食品安全": ("市市场监督管理局", ("《中华人民共和国食品安全法》",),
             ("小餐饮", "食品摊贩", "食品生产小作坊", "集体用餐配送单位"),
             ("无证经营", "经营超过保质期食品", "未按规定公示许可证", "从业人员未取得健康证明")),
    "市场监管": ("市市场监督管理局", ("《中华人民共和国价格法》", "《产品质量法》", "《广告法》"),
             ("个体工商户", "商场超市", "电商经营者", "加油站"),
             ("不明码标价", "销售不合格产品", "发布虚假广告", "使用不合格计量器具")),
    "农业畜牧": ("市农业农村局", ("《中华人民共和国动物防疫法》", "《农药管理条例》"),
             ("养殖户", "农资经营者", "屠宰场点", "农机作业者"),
             ("未按规定免疫", "经营假劣农药", "私屠滥宰", "违规处置病死畜禽")),
    "文化旅游": ("市文化广电旅游局", ("《旅行社条例》", "《娱乐场所管理条例》"),
             ("娱乐场所", "网吧", "旅行社", "民宿经营者"),
             ("接纳未成年人", "未经许可经营", "超时营业", "未按规定登记游客信息")),
    "交通运输": ("市交通运输局", ("《中华人民共和国公路法》", "《道路运输条例》"),
             ("货运车辆", "客运经营者", "维修企业", "沿线单位"),
             ("超限运输", "非法营运", "擅自占用公路", "在公路用地范围内设置障碍")),
    "卫生健康": ("市卫生健康委员会", ("《公共场所卫生管理条例》", "《医疗机构管理条例》"),
             ("公共场所经营者", "诊所", "美容美发店", "游泳场所"),
             ("未取得卫生许可证", "非法行医", "从业人员未体检", "未公示卫生信息")),
}
TOWN_SHARE = 0.45  # about this share of the matters were handed down to a town


def build_list(agencies: Sequence[tuple[str, str]], items: int = 300, random_seed: int = 4) -> list[dict]:
    """``items`` entries as import rows (Chinese headers). ``agencies``: (name, kind) of the
    city's members; the departments named in :data:`DOMAINS` that are missing are skipped."""
    rng = random.Random(f"responsibility-list-{random_seed}")
    names = {n for n, _k in agencies}
    towns = [n for n, k in agencies if k == "town"]
    combos = [
        (domain, dept, laws, subject, violation)
        for domain, (dept, laws, subjects, violations) in DOMAINS.items() if dept in names
        for subject in subjects for violation in violations
    ]
    rows: list[dict] = []
    serial = 0
    # Beyond the plain combinations, qualify the matter by the kind of measure taken.
    measures = ("的行政处罚", "的行政检查", "的行政强制", "的责令改正")
    for measure in measures:
        for domain, dept, laws, subject, violation in combos:
            if len(rows) >= items:
                return rows
            serial += 1
            to_town = towns and rng.random() < TOWN_SHARE
            holder = rng.choice(towns) if to_town else dept
            rows.append({
                "事项名称": f"对{subject}{violation}{measure}",
                "责任单位": holder,
                "违法领域": domain,
                "事项编码": f"QZ-{serial:05d}",
                "划转部门": dept,
                "法律依据": f"{rng.choice(laws)}第{rng.randint(20, 90)}条",
            })
    # More items than combinations: number the remaining ones by town.
    base = list(rows)
    n = 0
    while len(rows) < items and base:
        src = base[n % len(base)]
        n += 1
        serial += 1
        rows.append(dict(src, **{"事项名称": f"{src['事项名称']}（{n // len(base) + 1}类）",
                                 "事项编码": f"QZ-{serial:05d}"}))
    return rows


def write_list(conn: Connection, agency_ids: dict[str, int], rows: Sequence[dict], at: datetime) -> int:
    """Store the rows (the seeder's path: one bulk insert, no per-row audit)."""
    conn.execute(insert(Responsibility.__table__), [
        {"matter": r["事项名称"], "agency_id": agency_ids[r["责任单位"]], "domain": r["违法领域"],
         "code": r["事项编码"], "from_department": r["划转部门"], "legal_basis": r["法律依据"],
         "active": True, "version": 1, "created_at": at, "updated_at": at, "updated_by": "system"}
        for r in rows
    ])
    return len(rows)


def to_csv(rows: Sequence[dict]) -> bytes:
    buf = io.StringIO(newline="")
    writer = csv.DictWriter(buf, fieldnames=["事项名称", "责任单位", "违法领域", "事项编码", "划转部门", "法律依据"])
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8-sig")


def main(argv: Sequence[str] | None = None) -> None:
    from sample_data.city import load_city

    parser = argparse.ArgumentParser(description="Write the synthetic responsibility list as a CSV import file.")
    parser.add_argument("file")
    parser.add_argument("--items", type=int, default=300)
    parser.add_argument("--random-seed", type=int, default=4)
    args = parser.parse_args(argv)
    city = load_city()
    rows = build_list([(a.name, a.kind) for a in city.agencies], args.items, args.random_seed)
    Path(args.file).write_bytes(to_csv(rows))


if __name__ == "__main__":
    main()
