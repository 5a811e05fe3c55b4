"""Demo exhibitors: 27 fictional park companies approved for the demo forum, and a few still waiting.

Idempotent: companies are found by their name key, applications by (forum, company),
and solutions are only added to a company that has none.
"""
from __future__ import annotations

import hashlib
import io
from datetime import timedelta

import sqlalchemy as sa

from ..accounts.models import User
from ..db import utcnow
from ..demo_data import DEMO_COMPANY
from ..extensions import db
from ..text import normalise
from . import uploads
from .companies import refresh_company_search
from .models import (Application, ApplicationStaff, ApplicationStatus, Company, DemoScore, Solution, Theme,
                     company_admin)
from .review import booth_codes
from .solutions import refresh_solution_search

# English name, Chinese name, sector
COMPANIES = [
    (DEMO_COMPANY[0], DEMO_COMPANY[1], "ai_robotics"),
    ("MediSight Imaging Limited", "醫視影像有限公司", "biomedical"),
    ("WardWise Analytics Limited", "病房智析有限公司", "digital_health"),
    ("AirGuard Biotech Limited", "氣衛生物科技有限公司", "biomedical"),
    ("TrackMed Logistics Limited", "追醫物流有限公司", "smart_city"),
    ("NurseBot Technologies Limited", "護理機械人科技有限公司", "ai_robotics"),
    ("PulseLink Health Limited", "脈聯健康有限公司", "fintech_healthtech"),
    ("SteriPath Materials Limited", "消毒路徑材料有限公司", "materials"),
    ("VoiceChart AI Limited", "聲錄病歷人工智能有限公司", "ai_robotics"),
    ("SafeStep Sensing Limited", "安步感應有限公司", "smart_city"),
    ("PharmaFlow Automation Limited", "藥流自動化有限公司", "ai_robotics"),
    ("CleanAir Nano Limited", "淨氣納米有限公司", "materials"),
    ("QueueLess Health Limited", "免排隊健康有限公司", "digital_health"),
    ("BedView Systems Limited", "床位通系統有限公司", "smart_city"),
    ("GeneBridge Diagnostics Limited", "基因橋診斷有限公司", "biomedical"),
    ("CarePay Fintech Limited", "護付金融科技有限公司", "fintech_healthtech"),
    ("RehabMotion Robotics Limited", "復康動力機械人有限公司", "ai_robotics"),
    ("ThermoWatch IoT Limited", "溫控物聯網有限公司", "smart_city"),
    ("LabLoop Automation Limited", "化驗環自動化有限公司", "biomedical"),
    ("SmartLinen Textiles Limited", "智能布草紡織有限公司", "materials"),
    ("ElderSense Care Limited", "長者感知護理有限公司", "digital_health"),
    ("DataHarbour Health Limited", "數據港健康有限公司", "digital_health"),
    ("UVShield Robotics Limited", "紫外線盾機械人有限公司", "ai_robotics"),
    ("PortaScan Medical Limited", "便攜掃描醫療有限公司", "biomedical"),
    ("GreenWard Energy Limited", "綠色病房能源有限公司", "smart_city"),
    ("ClaimEase Insurtech Limited", "易理賠保險科技有限公司", "fintech_healthtech"),
    ("BioFilm Coatings Limited", "生物膜塗層有限公司", "materials"),
]
# Waiting for a decision (submitted) or on the waiting list.
WAITING = [
    ("OrthoPrint 3D Limited", "骨科三維打印有限公司", "materials", ApplicationStatus.submitted),
    ("SleepWell Monitoring Limited", "安眠監測有限公司", "digital_health", ApplicationStatus.submitted),
    ("TeleTriage Asia Limited", "遙距分流亞洲有限公司", "digital_health", ApplicationStatus.submitted),
    ("HandHygiene Vision Limited", "手衛生視覺有限公司", "ai_robotics", ApplicationStatus.waitlisted),
    ("MealTrack Nutrition Limited", "膳食追蹤營養有限公司", "smart_city", ApplicationStatus.waitlisted),
]

# title_en, title_zh, summary_en, summary_zh, theme keys, trl, regulatory status
SOLUTIONS = {
    "ai_robotics": [
        ("Autonomous ward delivery robot", "病房自主送遞機械人",
         "Carries medicines and specimens between wards and pharmacy at night without porters.",
         "夜間在病房與藥劑部之間自動運送藥物及樣本，減輕雜務員工作量。",
         ["logistics_supply", "clinical_workflow"], 7, "CE marked"),
        ("AI fall-risk alerts", "人工智能跌倒風險警示",
         "Bedside cameras with on-device AI warn nurses before a high-risk patient leaves the bed.",
         "床邊鏡頭以裝置內人工智能，在高風險病人離床前提醒護士。",
         ["patient_experience", "data_ai"], 6, "Pilot under ethics approval"),
        ("UV-C disinfection robot", "紫外線消毒機械人",
         "Disinfects isolation rooms in twelve minutes with a logged dose map.",
         "十二分鐘內完成隔離病房消毒，並記錄劑量分佈圖。",
         ["infection_control"], 8, "CE marked; FDA registered"),
    ],
    "biomedical": [
        ("Point-of-care sepsis test", "床邊敗血症快速測試",
         "A twenty-minute blood test that flags sepsis in the emergency department.",
         "二十分鐘血液測試，協助急症室及早識別敗血症。",
         ["clinical_workflow", "infection_control"], 6, "Clinical validation in progress"),
        ("Portable ultrasound with AI guidance", "人工智能導引便攜超聲波",
         "Guides non-specialists to capture diagnostic-quality images at the bedside.",
         "引導非專科人員在床邊取得可供診斷的影像。",
         ["clinical_workflow", "data_ai"], 7, "Class II medical device"),
    ],
    "digital_health": [
        ("Discharge planning dashboard", "出院規劃儀表板",
         "Predicts discharges 48 hours ahead so beds and transport are ready.",
         "提前四十八小時預測出院，預備床位及交通安排。",
         ["clinical_workflow", "data_ai"], 7, "Not a medical device"),
        ("Patient queue messaging", "病人輪候訊息服務",
         "Tells outpatients by SMS when to come back, cutting crowded waiting halls.",
         "以短訊通知門診病人回來時間，減少候診大堂擠迫。",
         ["patient_experience"], 8, "Not a medical device"),
        ("Remote monitoring for elders", "長者遙距監測",
         "Wearables and a nurse console follow discharged elders at home.",
         "以穿戴裝置及護士控制台跟進出院長者的家居情況。",
         ["patient_experience", "resilience"], 6, "Class I medical device"),
    ],
    "smart_city": [
        ("Real-time asset tracking", "實時資產追蹤",
         "Finds infusion pumps and wheelchairs across the hospital in seconds.",
         "數秒內找到醫院內的輸液泵及輪椅。",
         ["facility_asset", "logistics_supply"], 8, "Not a medical device"),
        ("Energy-saving chiller control", "節能冷水機控制",
         "Cuts hospital chiller energy by a fifth with weather-aware control.",
         "按天氣調節冷水機，節省約五分之一能源。",
         ["facility_asset", "resilience"], 7, "Not applicable"),
    ],
    "fintech_healthtech": [
        ("Cashless payment kiosks", "無現金繳費機",
         "Self-service kiosks for fees with Octopus, FPS and cards.",
         "支援八達通、轉數快及信用卡的自助繳費機。",
         ["patient_experience"], 9, "Not applicable"),
        ("Claims pre-check for patients", "病人索償預檢",
         "Checks insurance documents before discharge so patients leave with a complete claim.",
         "出院前核對保險文件，讓病人帶同完整索償資料離院。",
         ["patient_experience", "data_ai"], 6, "Not applicable"),
    ],
    "materials": [
        ("Antimicrobial surface coating", "抗菌表面塗層",
         "A coating for bed rails and door handles that stays active for 90 days.",
         "用於床欄及門柄的塗層，效用維持九十日。",
         ["infection_control"], 7, "Lab tested to ISO 22196"),
        ("Smart linen with RFID", "射頻識別智能布草",
         "Tracks linen through laundry cycles and cuts losses.",
         "追蹤布草洗滌周期，減少遺失。",
         ["logistics_supply", "facility_asset"], 8, "Not applicable"),
    ],
}
STAFF = [("Chan Siu Ming", "陳小明", "Product manager"), ("Lee Ka Yan", "李嘉欣", "Clinical specialist"),
         ("Wong Tsz Hin", "黃子軒", "Engineer")]
COLOURS = ["#0f766e", "#1d4ed8", "#9333ea", "#b45309", "#be123c", "#047857", "#4338ca", "#0369a1"]


def logo_png(name: str) -> bytes:
    """A coloured square with the company's initials."""
    from PIL import Image, ImageDraw, ImageFont

    digest = int(hashlib.sha1(name.encode()).hexdigest(), 16)
    image = Image.new("RGB", (160, 160), COLOURS[digest % len(COLOURS)])
    draw = ImageDraw.Draw(image)
    initials = "".join(w[0] for w in name.split() if w[:1].isalpha())[:2].upper() or "?"
    try:
        font = ImageFont.load_default(size=72)
    except TypeError:  # older Pillow
        font = ImageFont.load_default()
    box = draw.textbbox((0, 0), initials, font=font)
    draw.text(((160 - box[2] + box[0]) / 2 - box[0], (160 - box[3] + box[1]) / 2 - box[1]), initials,
              font=font, fill="white")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _themes() -> dict[str, Theme]:
    from .themes import DEFAULT_THEMES

    themes = {t.key: t for t in db.session.scalars(sa.select(Theme))}
    for position, (key, en, zh) in enumerate(DEFAULT_THEMES):
        if key not in themes:
            themes[key] = Theme(key=key, name_en=en, name_zh=zh, position=position)
            db.session.add(themes[key])
    db.session.flush()
    return themes


def _company(name_en: str, name_zh: str, sector: str, index: int) -> Company:
    key = normalise(name_en)
    company = db.session.scalar(sa.select(Company).where(Company.name_key == key))
    if company is None:
        company = Company(name_en=name_en, name_zh=name_zh, name_key=key)
        db.session.add(company)
    if not company.programme_ref:
        slug = "".join(c for c in name_en.lower() if c.isalnum())[:12]
        company.name_zh = company.name_zh or name_zh
        company.name_zh_key = normalise(name_zh) or None
        company.sector = sector
        company.programme_ref = f"{'INC' if index % 2 else 'TEN'}-{2019 + index % 6}-{100 + index:04d}"
        company.website = f"https://{slug}.example"
        company.description_en = (f"{name_en} is a Hong Kong Science Park company building "
                                  f"{sector.replace('_', ' ')} solutions for hospitals.")
        company.description_zh = f"{name_zh}是香港科學園的公司，為醫院開發創新方案。"
        company.contact_name = STAFF[index % 3][0]
        company.contact_email = f"hello@{slug}.example"
        company.contact_phone = f"+852 3{index % 10}00 {1000 + index:04d}"
        refresh_company_search(company)
    db.session.flush()
    if company.logo_id is None:
        company.logo_id = uploads.store(company.id, logo_png(name_en), kind="image",
                                        original_name="logo.png").id
    return company


def _solutions(company: Company, sector: str, index: int, themes: dict[str, Theme]) -> list[Solution]:
    if company.solutions:
        return list(company.solutions)
    pool = SOLUTIONS[sector]
    made = []
    for n in range(1 + index % 3):
        en, zh, sum_en, sum_zh, keys, trl, regulatory = pool[(index + n) % len(pool)]
        solution = Solution(company_id=company.id, title_en=en, title_zh=zh, summary_en=sum_en, summary_zh=sum_zh,
                            problem=sum_en, target_users="Nurses, doctors, allied health",
                            departments="Medicine, A&E, Surgery", trl=trl, regulatory_status=regulatory,
                            deployments="Trial at a private hospital in Hong Kong" if trl >= 7 else "",
                            themes=[themes[k] for k in keys])
        refresh_solution_search(solution)
        db.session.add(solution)
        company.solutions.append(solution)
        made.append(solution)
    db.session.flush()
    return made


def _application(forum, company: Company, solutions, status: ApplicationStatus, index: int) -> Application:
    application = db.session.scalar(sa.select(Application).where(Application.forum_id == forum.id,
                                                                 Application.company_id == company.id))
    if application is not None:
        return application
    now = utcnow()
    application = Application(forum_id=forum.id, company_id=company.id, status=status,
                              submitted_at=now - timedelta(days=30 - index % 20), needs_screen=index % 2 == 0,
                              solutions=list(solutions))
    if status != ApplicationStatus.submitted:
        application.decided_at = now - timedelta(days=3)
    if status == ApplicationStatus.waitlisted:
        application.waitlisted_at = now - timedelta(days=3, minutes=index)
    application.staff = [ApplicationStaff(name_en=en, name_zh=zh, title=title,
                                          email=f"{en.split()[-1].lower()}{index}@{company.contact_email.split('@')[-1]}")
                         for en, zh, title in STAFF[:2]]
    if index % 3 == 0 or index < 10:
        application.demo_requested = True
        application.demo_solution_id = solutions[0].id
        application.demo_presenter = STAFF[0][0]
        application.demo_minutes = 10
        application.demo_av = "HDMI, microphone"
        application.demo_windows = "09:30-11:00, 11:30-13:00"
    db.session.add(application)
    db.session.flush()
    return application


def load_exhibitors(forum, summary, *, exhibitors=None, echo=print, **_):
    themes = _themes()
    wanted = len(COMPANIES) if exhibitors is None else exhibitors
    rows = list(COMPANIES[:wanted])
    for n in range(len(rows), wanted):
        rows.append((f"Park Company {n + 1:04d} Limited", f"園區公司{n + 1:04d}有限公司",
                     list(SOLUTIONS)[n % len(SOLUTIONS)]))
    if forum.booth_capacity < wanted:
        forum.booth_capacity = wanted  # a scaled-up demo gets enough booths
    codes = booth_codes(forum)
    organiser = db.session.scalar(sa.select(User).where(User.email == "organiser@forum.example"))
    approved = []
    for index, (en, zh, sector) in enumerate(rows):
        company = _company(en, zh, sector, index)
        solutions = _solutions(company, sector, index, themes)
        application = _application(forum, company, solutions, ApplicationStatus.approved, index)
        approved.append(application)
        if index % 200 == 199:
            echo(f"  exhibitors: {index + 1} of {wanted}")
    taken = {a.booth_code for a in approved if a.booth_code}
    free = iter(c for c in codes if c not in taken)
    for application in approved:
        if application.booth_code is None and application.status == ApplicationStatus.approved:
            application.booth_code = next(free, None)
    selected = sum(1 for a in approved if a.demo_selected)
    for application in approved:
        if selected >= min(6, forum.demo_slot_count):
            break
        if application.demo_requested and not application.demo_selected:
            application.demo_selected = True
            selected += 1
    if organiser is not None:
        scored = set(db.session.scalars(sa.select(DemoScore.application_id).where(
            DemoScore.reviewer_id == organiser.id)))
        for application in approved:
            if application.demo_requested and application.id not in scored:
                db.session.add(DemoScore(application_id=application.id, reviewer_id=organiser.id,
                                         score=5 if application.demo_selected else 3 + application.id % 2,
                                         comment="Strong fit for the stage" if application.demo_selected else ""))
    for index, (en, zh, sector, status) in enumerate(WAITING, start=len(COMPANIES)):
        company = _company(en, zh, sector, index)
        _application(forum, company, _solutions(company, sector, index, themes), status, index)

    # The demo exhibitor user is the admin of CareFlow Robotics, one of the approved exhibitors.
    careflow = db.session.scalar(sa.select(Company).where(Company.name_key == normalise(DEMO_COMPANY[0])))
    user = db.session.scalar(sa.select(User).where(User.email == "exhibitor@forum.example"))
    if careflow is not None and user is not None:
        user.company_id = careflow.id
        if db.session.execute(sa.select(company_admin).where(company_admin.c.company_id == careflow.id,
                                                             company_admin.c.user_id == user.id)).first() is None:
            db.session.execute(company_admin.insert().values(company_id=careflow.id, user_id=user.id))
    db.session.flush()
    summary.counts["approved exhibitors"] = len(approved)
    summary.counts["exhibitors waiting or waitlisted"] = len(WAITING)
