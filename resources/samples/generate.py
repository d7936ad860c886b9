#!/usr/bin/env python3
"""Deterministic generator for the built-in sample content of AIGC Workbench.

Writes, next to this file:

    tasks.json                         four task definitions (three text, one composite)
    datasets/ad-copy.jsonl             Marketing: one-line ads (Alpaca shape + label)
    datasets/support-replies.jsonl     Customer service: replies to customer messages
    datasets/tech-summaries.jsonl      R&D: one-sentence summaries of technical notes
    datasets/posters/                  Brand: 128x128 product posters, imagefolder layout
    inputs/*.csv                       batch-run inputs for the four tasks
    ORIGIN.md                          origin and licence of every file above

Only the standard library and Pillow are used; no network access.  Every random
choice comes from ``random.Random`` seeded from ``SEED``, files are written with
"\\n" line endings and stable key order, so running

    python resources/samples/generate.py

again regenerates everything byte-identically (for the same Pillow/zlib build;
PNG encoding and resampling may differ between Pillow releases).

All product names, brand names, companies, people, order numbers, services,
libraries and incidents are fictional and were written for this product.
"""
from __future__ import annotations

import csv
import io
import json
import random
import re
import string
import sys
from pathlib import Path

from PIL import Image, ImageDraw

sys.path.insert(0, str(Path(__file__).resolve().parent))
import feedback_topics  # noqa: E402 - the multi-label sample, beside this script

SEED = 20240611
ROOT = Path(__file__).resolve().parent
DATASETS = ROOT / "datasets"
POSTERS = DATASETS / "posters"
INPUTS = ROOT / "inputs"

N_PER_LANGUAGE = 180          # per text dataset: 180 English + 180 Chinese = 360
N_POSTERS = 128               # 8 objects x 8 backgrounds x 2 variants
POSTER_SIZE = 128
SUPERSAMPLE = 4               # draw at 512 px, downsample with Lanczos

BANNED = ["MegaMart", "超级商城"]
AD_TEMPLATE_EN = "Write a one-line ad (max 60 characters) for {product} aimed at {audience}, tone: {tone}."
AD_TEMPLATE_ZH = "为{product}写一句面向{audience}的广告语（不超过30个字），语气：{tone}。"
TECH_INSTRUCTION_EN = "Summarise the following technical note in one sentence."
TECH_INSTRUCTION_ZH = "用一句话概括以下技术说明。"
SIGN_EN = "— Support Team"
SIGN_ZH = "—— 客服团队"


def rng_for(name: str) -> random.Random:
    """One independent, reproducible random stream per artefact."""
    return random.Random(f"{SEED}:{name}")


def cap(text: str) -> str:
    return text[:1].upper() + text[1:]


# ---------------------------------------------------------------------------
# file helpers
# ---------------------------------------------------------------------------

def write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))


def write_jsonl(path: Path, rows: list[dict]) -> None:
    write_text(path, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    write_text(path, buf.getvalue())


def alpaca(instruction: str, input_: str, output: str, label: str) -> dict:
    return {"instruction": instruction, "input": input_, "output": output, "label": label}


def fill_unique(make, n: int, key, max_tries: int = 50000) -> list[dict]:
    """Call ``make(i)`` until ``n`` rows with distinct ``key(row)`` exist."""
    rows, seen, i = [], set(), 0
    while len(rows) < n:
        if i >= max_tries:
            raise RuntimeError(f"could only build {len(rows)} unique rows of {n}")
        row = make(len(rows))
        i += 1
        k = key(row)
        if k in seen:
            continue
        seen.add(k)
        rows.append(row)
    return rows


# ===========================================================================
# 1. Marketing: ad copy
# ===========================================================================

# (product as written in the brief, short name used in the ad, category label,
#  noun for "the only X you'll need", selling points)
AD_PRODUCTS_EN = [
    ("the Aurora insulated water bottle", "Aurora", "drinkware", "bottle",
     ["ice-cold for 24 hours", "a lid that never leaks", "one-hand flip sipping", "fits every cup holder"]),
    ("the Kestrel ceramic travel mug", "Kestrel", "drinkware", "mug",
     ["coffee still hot at noon", "a spill-proof slide lid", "dishwasher-safe ceramic", "no plastic aftertaste"]),
    ("Stride 2 running sneakers", "Stride 2", "footwear", "running shoe",
     ["cushioning that bounces back", "230 grams of pure speed", "breathable knit uppers", "grip on wet pavement"]),
    ("the Nova X5 smartphone", "Nova X5", "electronics", "phone",
     ["two days on one charge", "a 50 MP night camera", "a bright 6.1-inch OLED screen", "full charge in 35 minutes"]),
    ("the Harbor leather tote bag", "Harbor tote", "bags", "tote",
     ["full-grain leather", "room for a 15-inch laptop", "a zip pocket for your keys", "straps that stay put"]),
    ("the Lumen arc desk lamp", "Lumen", "home", "lamp",
     ["glare-free light", "five warmth settings", "a USB-C port in the base", "dims to a soft glow"]),
    ("the Tempo field watch", "Tempo", "watches", "watch",
     ["sapphire crystal glass", "water-resistant to 100 m", "a five-year battery", "a dial you read at a glance"]),
    ("Echo Pro noise-cancelling headphones", "Echo Pro", "audio", "headphones",
     ["30 hours of playback", "quiet on any train", "memory-foam ear cushions", "crystal-clear calls"]),
    ("Morning Ridge cold brew coffee", "Morning Ridge", "food", "coffee",
     ["smooth, never bitter", "steeped for 18 hours", "zero added sugar", "ready in your fridge"]),
    ("Pure Oat barista oat milk", "Pure Oat", "food", "oat milk",
     ["froths like dairy", "no added sugar", "made from Nordic oats", "creamy in every latte"]),
    ("Dewline daily SPF 50 moisturiser", "Dewline", "skincare", "sunscreen",
     ["no white cast", "SPF 50 that feels weightless", "hydration all day", "a fragrance-free formula"]),
    ("the Ledger A5 dotted notebook", "Ledger", "stationery", "notebook",
     ["paper fountain pens love", "lies flat on any desk", "192 numbered pages", "a pocket for loose notes"]),
    ("the FlexCore resistance band set", "FlexCore", "fitness", "kit",
     ["a full gym in one pouch", "five resistance levels", "latex-free and snap-proof", "workouts in 20 minutes"]),
    ("the Pawsome slow-feeder dog bowl", "Pawsome", "pet", "bowl",
     ["slower, calmer mealtimes", "a non-slip base", "dishwasher-safe design", "less gulping, less bloating"]),
    ("the TaskPilot team planner app", "TaskPilot", "software", "planner",
     ["every deadline in one view", "set up in ten minutes", "reminders that actually help", "works offline too"]),
    ("the Brava 1.7 L electric kettle", "Brava", "kitchen", "kettle",
     ["boils in three minutes", "keeps water warm for an hour", "automatic shut-off", "a whisper-quiet boil"]),
    ("the Cloudrest memory-foam pillow", "Cloudrest", "home", "pillow",
     ["neck support all night", "cool to the touch", "a washable bamboo cover", "deeper, calmer sleep"]),
    ("the Orbit 10,000 mAh power bank", "Orbit", "electronics", "power bank",
     ["two full phone charges", "pocket-sized power", "fast 20 W charging", "charges two devices at once"]),
    ("the Trailhead 28 L hiking backpack", "Trailhead 28", "bags", "daypack",
     ["a back panel that breathes", "a built-in rain cover", "room for a full day out", "hip-belt pockets for snacks"]),
    ("the Verdant indoor herb garden", "Verdant", "home", "herb garden",
     ["fresh basil all year", "a built-in grow light", "water once a fortnight", "herbs right on your counter"]),
    ("the Sable cast-iron skillet", "Sable", "kitchen", "skillet",
     ["a perfect sear every time", "pre-seasoned and ready", "oven-safe to 260 °C", "built to last generations"]),
    ("the Glide ergonomic office chair", "Glide", "furniture", "chair",
     ["lumbar support that adjusts", "a breathable mesh back", "comfort through long days", "assembles in 15 minutes"]),
    ("the Brightside kids' learning tablet", "Brightside", "electronics", "tablet",
     ["screen time that teaches", "parental controls built in", "a drop-proof case", "500 offline lessons"]),
    ("the Rivet denim jacket", "Rivet", "apparel", "jacket",
     ["denim that softens with wear", "a fit that moves with you", "double-stitched seams", "four deep pockets"]),
]

AD_AUDIENCES_EN = [
    ("busy commuters", ["for the 8:05 train", "for every commute", "built for rush hour"]),
    ("college students", ["for late-night study", "between lectures", "on a student budget"]),
    ("new parents", ["for sleepless weeks", "for nap-time breaks", "one hand free at last"]),
    ("weekend hikers", ["for the summit", "from trailhead to peak", "for every trail"]),
    ("small business owners", ["for busy shop floors", "for owners who do it all", "built for busy weeks"]),
    ("remote workers", ["for your home office", "for back-to-back calls", "for the kitchen-table desk"]),
    ("retirees", ["for unhurried mornings", "for your next adventure", "made for the good years"]),
    ("gamers", ["for marathon sessions", "for the final boss", "for long raids"]),
    ("fitness beginners", ["for day one", "for your first 5K", "one small step at a time"]),
    ("home cooks", ["for Sunday dinners", "for weeknight meals", "for your kitchen"]),
    ("pet owners", ["for happy tails", "for your best friend", "for the furry family"]),
    ("frequent travellers", ["for every gate", "for long-haul days", "wherever you land"]),
]

# {s} short name, {b}/{B} benefit (lower/capitalised), {h} audience hook, {n} noun
AD_TONES_EN = {
    "playful": ["{B}? Yes please. {s}, {h}.", "Meet {s}: {b}, zero fuss.", "Psst: {b}. Say hi to {s}!",
                "{s} = {b}. Happy dance."],
    "premium": ["{s}. {B}, refined.", "Quiet luxury, {h}: {s}.", "{s}: {b}, crafted with care.",
                "Considered design. {B}. {s}."],
    "urgent": ["Last chance: {s}, {b}. Order today!", "This week only: {s}, {h}.", "Don't wait. {B}, {h}.",
               "Selling fast: {s}, {b}. Grab yours!"],
    "warm": ["{B}, {h}. Love, {s}.", "Made with care, {h}: {s}.", "Little comforts matter. {s}: {b}.",
             "{s}: {b}, because you deserve it."],
    "confident": ["{s}. {B}. No compromises.", "{B}. That's the {s} promise.", "Built to deliver: {s}, {h}.",
                  "The only {n} you'll need: {s}."],
    "minimalist": ["{s}. {B}.", "{B}. Nothing more.", "Less noise. More {s}.", "{s}, {h}."],
    "witty": ["{B}. Your old {n}? Retired.", "{s}: {b}. Excuses not included.", "Plot twist: {b}. {s}.",
              "Upgrade unlocked: {s}, {h}."],
    "friendly": ["Say hello to {s}: {b}.", "{s} has you covered, {h}.", "Good news: {b}, {h}.",
                 "Your new favourite: {s}. {B}!"],
    "bold": ["{B}. Own it. {s}.", "No limits. {s}, {h}.", "Go further with {s}: {b}.", "{s}. {B}. Go big."],
    "calm": ["Breathe easy: {s}, {b}.", "Slow down. {B}, {h}.", "Simple and steady, {h}: {s}.",
             "{s}: {b}. Rest easy."],
}

AD_PRODUCTS_ZH = [
    ("极光750ml保温水杯", "极光水杯", "drinkware", "水杯", ["24小时冰爽不减", "杯盖滴水不漏", "单手一按即饮", "车载杯架刚刚好"]),
    ("青岚陶瓷随行杯", "青岚杯", "drinkware", "杯子", ["咖啡热到中午", "防洒滑盖", "陶瓷内胆无异味", "可进洗碗机"]),
    ("疾风2代跑鞋", "疾风2代", "footwear", "跑鞋", ["回弹缓震每一步", "轻至230克", "透气针织鞋面", "雨天路面也抓地"]),
    ("星河X5手机", "星河X5", "electronics", "手机", ["续航整整两天", "5000万像素夜拍", "35分钟充满", "6.1英寸OLED屏"]),
    ("港湾真皮托特包", "港湾托特", "bags", "包", ["头层牛皮质感", "轻松装下15寸电脑", "内袋收好钥匙", "肩带不滑落"]),
    ("流明护眼台灯", "流明台灯", "home", "台灯", ["无频闪不刺眼", "五档色温随心调", "底座带USB-C口", "柔光陪你到深夜"]),
    ("节拍户外腕表", "节拍腕表", "watches", "手表", ["蓝宝石镜面", "100米防水", "电池续航五年", "表盘一眼看清"]),
    ("回声Pro降噪耳机", "回声Pro", "audio", "耳机", ["30小时长续航", "地铁里也安静", "记忆海绵耳罩", "通话清晰如面对面"]),
    ("晨岭冷萃咖啡", "晨岭冷萃", "food", "咖啡", ["顺滑不苦涩", "18小时慢萃", "零添加糖", "冰箱里随取随饮"]),
    ("燕麦坊咖啡师燕麦奶", "燕麦坊", "food", "燕麦奶", ["打出的奶泡细腻绵密", "不额外加糖", "北欧燕麦原料", "每杯拿铁都顺滑"]),
    ("露语清透防晒乳SPF50", "露语防晒", "skincare", "防晒", ["不泛白不油腻", "轻薄如无物", "全天保湿", "无香精配方"]),
    ("格物A5点阵笔记本", "格物本", "stationery", "本子", ["钢笔书写不洇墨", "180度平摊", "192页带页码", "附赠收纳袋"]),
    ("弹力核心阻力带套装", "弹力核心", "fitness", "健身装备", ["一包装下健身房", "五档阻力", "无乳胶不易断", "20分钟高效训练"]),
    ("乖乖慢食狗碗", "乖乖慢食碗", "pet", "狗碗", ["吃慢一点更健康", "底部防滑", "可进洗碗机", "减少狼吞虎咽"]),
    ("任务领航团队协作App", "任务领航", "software", "工具", ["截止日一屏看清", "十分钟完成部署", "提醒刚刚好", "离线也能用"]),
    ("布拉瓦1.7升电水壶", "布拉瓦水壶", "kitchen", "水壶", ["三分钟烧开", "保温一小时", "自动断电", "安静不吵人"]),
    ("云眠记忆枕", "云眠枕", "home", "枕头", ["整夜托住颈椎", "触感清凉", "竹纤维枕套可水洗", "一觉睡到天亮"]),
    ("轨道10000毫安充电宝", "轨道充电宝", "electronics", "充电宝", ["手机充两次", "口袋大小", "20W快充", "两台设备同时充"]),
    ("山径28升登山包", "山径28", "bags", "背包", ["背板透气不闷汗", "自带防雨罩", "一天行程全装下", "腰带口袋放零食"]),
    ("绿意室内香草种植机", "绿意种植机", "home", "种植机", ["全年吃上新鲜罗勒", "内置补光灯", "两周浇一次水", "厨房台面小花园"]),
    ("墨石铸铁煎锅", "墨石煎锅", "kitchen", "煎锅", ["每次都煎出焦香", "出厂已开锅", "可进烤箱", "一口锅用一辈子"]),
    ("轻舟人体工学椅", "轻舟椅", "furniture", "椅子", ["腰托随心调", "网背透气", "久坐也舒服", "15分钟装好"]),
    ("小太阳儿童学习平板", "小太阳平板", "electronics", "平板", ["屏幕时间也在学习", "内置家长管控", "防摔保护壳", "500节离线课程"]),
    ("铆钉牛仔夹克", "铆钉夹克", "apparel", "夹克", ["越穿越软", "版型随身而动", "双线缝制更耐穿", "四个深口袋"]),
]

AD_AUDIENCES_ZH = [
    ("通勤族", ["早高峰也从容", "通勤路上好搭档"]),
    ("大学生", ["自习到深夜", "课间刚刚好", "学生党也买得起"]),
    ("新手爸妈", ["带娃也能喘口气", "腾出一只手", "夜里带娃不慌"]),
    ("户外爱好者", ["山顶见", "每条山路都陪你", "走得更远"]),
    ("小店老板", ["生意忙也不乱", "一个人顶一个团队", "旺季也从容"]),
    ("居家办公族", ["书房即工位", "连开三个会也不累", "在家也高效"]),
    ("银发族", ["慢慢享受每个清晨", "开启下一段旅程", "好日子慢慢过"]),
    ("游戏玩家", ["通宵开黑不掉线", "决胜最后一局", "团战不掉链子"]),
    ("健身新手", ["从第一天开始", "跑好第一个5公里", "小步也算进步"]),
    ("厨房达人", ["周末大餐", "工作日快手菜", "厨房好帮手"]),
    ("铲屎官", ["毛孩子更开心", "给最好的伙伴", "家里的毛孩子"]),
    ("商旅人士", ["每个登机口", "长途飞行不疲惫", "落地即出发"]),
]

AD_TONES_ZH = {
    "活泼": ["{b}，{s}超会！", "叮！{s}上线：{b}", "{h}，{s}冲呀！", "{b}？{s}安排上！"],
    "高端": ["{s}，{b}，匠心之作。", "{b}，品味自见。{s}", "{h}，静享{s}。", "臻于细节：{s}，{b}。"],
    "紧迫": ["最后一天！{s}，{b}。", "限时抢购：{s}，手慢无！", "{b}，今天就下单！", "库存告急：{s}，{h}！"],
    "温暖": ["{h}，{s}一直都在。", "{b}，是给你的小温柔。", "{s}：{b}，用心陪伴。", "把温暖带回家：{s}。"],
    "自信": ["{b}，{s}说到做到。", "{s}：{b}，不将就。", "只需要一个{n}：{s}。", "{h}，交给{s}。"],
    "简约": ["{s}。{b}。", "{b}，仅此而已。", "少即是多：{s}。", "{s}，{h}。"],
    "幽默": ["{b}，旧{n}默默流泪。", "剧情反转：{b}。{s}", "{s}：{b}，借口请退下。", "升级解锁：{s}，{h}。"],
    "亲切": ["嗨，认识一下{s}：{b}。", "{h}，{s}陪着你。", "好消息：{s}，{b}！", "你的新宠：{s}，{b}。"],
    "大胆": ["{b}，就现在！{s}", "无所畏惧：{s}，{h}。", "{s}：{b}，够胆就来！", "敢不一样，选{s}！"],
    "沉稳": ["{s}，{b}，安心之选。", "不疾不徐，{h}：{s}。", "{b}，稳稳的{s}。", "值得信赖：{s}，{b}。"],
}


# Plausible audiences per product (the EN and ZH product and audience lists are
# parallel).  C commuters, S students, P new parents, H hikers, B small business
# owners, R remote workers, E retirees, G gamers, F fitness beginners, K home
# cooks, D pet owners, T frequent travellers.
AD_AUDIENCE_CODES = "CSPHBREGFKDT"
AD_FIT = ["CSHFTR", "CSRBET", "CSHFE", "CSPBGTR", "CSRBT", "SRBGE", "CHETFB", "CSRGT", "CSRBE", "CRKEF",
          "CHFTS", "SRBE", "FREST", "DPER", "BRSP", "KSREB", "PETRG", "CSTHG", "HSTF", "KERP",
          "KEPS", "RGBS", "PTRE", "CSHT"]


def _ad_line(rng: random.Random, product, audience, templates, limit: int) -> str:
    _, short, _, noun, benefits = product
    hooks = audience[1]
    order = list(benefits)
    rng.shuffle(order)
    for benefit in order:
        hook = rng.choice(hooks)
        slots = {"s": short, "b": benefit, "B": cap(benefit), "h": hook, "n": noun}
        lines = [t.format(**slots) for t in templates]
        lines = [line for line in lines if len(line) <= limit]
        if lines:
            return rng.choice(lines)
    return f"{short}. {cap(order[0])}."


def build_ad_copy() -> list[dict]:
    rng = rng_for("ad-copy")
    rows = []
    for lang, products, audiences, tones, limit in (
        ("en", AD_PRODUCTS_EN, AD_AUDIENCES_EN, AD_TONES_EN, 60),
        ("zh", AD_PRODUCTS_ZH, AD_AUDIENCES_ZH, AD_TONES_ZH, 30),
    ):
        assert len(AD_FIT) == len(products) and len(AD_AUDIENCE_CODES) == len(audiences)
        combos = [(p, AD_AUDIENCE_CODES.index(code), t)
                  for p in range(len(products)) for code in AD_FIT[p] for t in tones]
        rng.shuffle(combos)
        for i, (p, a, tone) in enumerate(combos[:N_PER_LANGUAGE]):
            product, audience = products[p], audiences[a]
            line = _ad_line(rng, product, audience, tones[tone], limit)
            if lang == "en":
                instruction = AD_TEMPLATE_EN.format(product=product[0], audience=audience[0], tone=tone)
            elif i % 5 == 0:
                # Chinese values in the English task template, as a batch run with
                # Chinese CSV rows renders them; the answer stays in Chinese.
                instruction = AD_TEMPLATE_EN.format(product=product[0], audience=audience[0], tone=tone)
            else:
                instruction = AD_TEMPLATE_ZH.format(product=product[0], audience=audience[0], tone=tone)
            rows.append(alpaca(instruction, "", line, product[2]))
    rng.shuffle(rows)
    return rows


# ===========================================================================
# 2. Customer service: support replies
# ===========================================================================

# name, price, fault (warranty), damage (arrived damaged)
SUPPORT_PRODUCTS_EN = [
    ("Echo Pro headphones", "129.00", "the left ear cup no longer plays any sound", "a cracked headband"),
    ("Brava kettle", "39.90", "it doesn't switch off when the water boils", "a dent in the side"),
    ("Orbit power bank", "29.99", "it won't hold a charge for more than an hour", "a cracked casing"),
    ("Tempo field watch", "189.00", "the second hand has stopped moving", "a scratched glass"),
    ("Lumen desk lamp", "54.50", "the light flickers on every setting", "a bent arm"),
    ("Glide office chair", "249.00", "the seat slowly sinks when I sit on it", "a snapped armrest"),
    ("Nova X5 phone", "499.00", "the screen goes black at random", "a cracked screen"),
    ("Kestrel travel mug", "24.00", "the lid has started to leak", "a chipped rim"),
    ("Stride 2 running shoes", "119.00", "the sole is coming away at the toe", "a torn heel tab"),
    ("Harbor tote bag", "145.00", "one of the strap rivets has come loose", "a deep scratch across the front"),
    ("Cloudrest pillow", "59.00", "the zip on the cover has broken", "a stained cover"),
    ("Trailhead 28 backpack", "99.00", "the hip-belt buckle has snapped", "a ripped side pocket"),
]
SUPPORT_PRODUCTS_ZH = [
    ("回声Pro降噪耳机", "899", "左耳罩完全没声音了", "头梁裂了"),
    ("布拉瓦电水壶", "259", "水开了不会自动断电", "壶身有凹痕"),
    ("轨道充电宝", "169", "充满电用不到一小时就没电了", "外壳裂开了"),
    ("节拍户外腕表", "1299", "秒针不走了", "表镜有划痕"),
    ("流明护眼台灯", "329", "每个档位都一直闪", "灯臂弯了"),
    ("轻舟人体工学椅", "1599", "坐上去座椅会慢慢往下沉", "扶手断了"),
    ("星河X5手机", "3299", "屏幕时不时突然黑屏", "屏幕碎了"),
    ("青岚陶瓷随行杯", "139", "杯盖开始漏水", "杯口缺了一块"),
    ("疾风2代跑鞋", "699", "鞋头开胶了", "后跟提环撕裂了"),
    ("港湾真皮托特包", "1099", "肩带铆钉松了", "正面有一道很深的划痕"),
    ("云眠记忆枕", "299", "枕套拉链坏了", "枕套上有污渍"),
    ("山径28升登山包", "599", "腰带扣断了", "侧袋破了"),
]
NAMES_EN = ["Maya", "Daniel", "Priya", "Tom", "Aisha", "Lucas", "Hannah", "Kenji", "Sofia", "Omar",
            "Grace", "Mateo", "Chloe", "Ben", "Fatima", "Liam", "Nora", "Raj", "Elena", "Sam"]
SURNAMES_ZH = [("王", "wang"), ("李", "li"), ("张", "zhang"), ("刘", "liu"), ("陈", "chen"), ("杨", "yang"),
               ("赵", "zhao"), ("黄", "huang"), ("周", "zhou"), ("吴", "wu"), ("徐", "xu"), ("孙", "sun"),
               ("马", "ma"), ("朱", "zhu"), ("胡", "hu"), ("郭", "guo")]
MONTHS_EN = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
             "October", "November", "December"]
WEEKDAYS_EN = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
WEEKDAYS_ZH = ["周一", "周二", "周三", "周四", "周五"]
STREETS_EN = ["Willow Lane", "Harbour Road", "Maple Avenue", "Station Street", "Kingfisher Close",
              "Oak Park Drive", "Mill Road", "Elm Grove", "Quarry Hill", "Beacon Street"]
CITIES_EN = ["Leeds", "Bristol", "Austin", "Denver", "Melbourne", "Auckland", "Dublin", "Toronto",
             "Manchester", "Portland"]
DISTRICTS_ZH = [("上海市", "徐汇区", "漕溪北路"), ("北京市", "朝阳区", "建国路"), ("广州市", "天河区", "天河北路"),
                ("深圳市", "南山区", "科技园南路"), ("杭州市", "西湖区", "文三路"), ("成都市", "武侯区", "人民南路"),
                ("南京市", "鼓楼区", "中山北路"), ("武汉市", "洪山区", "珞喻路"), ("西安市", "雁塔区", "长安南路"),
                ("苏州市", "工业园区", "星湖街")]
COMPANIES_EN = ["Northfield Dental Ltd", "Brightwater Studio LLC", "Carrow & Sons Joinery", "Pinecrest Accounting",
                "Harlow Bakery Co", "Ashgrove Veterinary Clinic", "Lumenfield Architects", "Tidewater Logistics Ltd"]
COMPANIES_ZH = ["杭州云启科技有限公司", "上海禾木设计工作室", "深圳凌越电子有限公司", "成都青禾餐饮管理有限公司",
                "南京知行教育咨询有限公司", "广州海屿贸易有限公司", "苏州栖木家居有限公司", "武汉澄明会计师事务所"]
WRONG_ITEMS_EN = ["a phone case", "a pair of kids' trainers", "a grey kettle", "a set of resistance bands",
                  "somebody else's bag of coffee beans", "a blue pillow cover"]
WRONG_ITEMS_ZH = ["一个手机壳", "一双童鞋", "一个灰色电水壶", "一套阻力带", "别人的一袋咖啡豆", "一个蓝色枕套"]
COLOURS_EN = ["black", "navy", "sand", "olive", "grey", "white"]
COLOURS_ZH = ["黑色", "藏青色", "沙色", "橄榄绿", "灰色", "白色"]

# Each request type is a list of scenarios; a scenario is (customer messages,
# replies).  A reply only uses facts the customer gave ({order}, {product},
# {email}, ...) or facts the agent looks up or creates ({amount}, {card},
# {eta}, {case}).
SUPPORT_EN = {
    "order_delay": [
        ([
            "My order {order} was supposed to arrive {days} days ago and it still hasn't shown up. The tracking page hasn't changed since {date}. Can you find out where it is?",
            "I ordered the {product} on {date} (order {order}) and it's still not here. I need it before the weekend. Is there anything you can do?",
            "Tracking for order {order} has said \"in transit\" since {date}. Is my parcel lost?",
            "Order {order} is now {days} days late. It's a birthday present for my sister, so I'm getting a bit worried.",
        ], [
            "I'm sorry order {order} is running late. I checked with the carrier: the parcel was held at a regional sorting hub and is moving again, with delivery now expected by {eta}. I've flagged it as a priority shipment and you'll get an updated tracking link by email today. If it hasn't arrived by {eta}, reply here and we'll send a replacement free of charge.",
            "Thank you for your patience. Order {order} left our warehouse on time, but the carrier missed a scan at their depot, which is why tracking stopped updating. They've confirmed delivery by {eta}. As an apology for the wait, we've refunded the {shipping} shipping fee to your original payment method.",
            "I'm sorry about the delay with order {order}. The carrier has confirmed the parcel isn't lost; it was re-routed after a missed delivery slot and is due on {eta}. I've opened case {case} to follow it, and if it doesn't arrive by then we'll ship a new {product} the same day.",
        ]),
    ],
    "refund": [
        ([
            "I returned the {product} from order {order} on {date} but I haven't received my refund of {amount} yet. How long does it usually take?",
            "You confirmed my return {days} days ago but the {amount} still isn't back on my card. Order {order}.",
            "Still waiting for the refund for order {order}. The {product} went back to you on {date}.",
        ], [
            "Thanks for checking in. We received your return for order {order} and the refund of {amount} was issued today to your card ending in {card}. Banks usually take 3–5 business days to show it on your statement. If it isn't visible by next {eta}, reply to this email and we'll send you the transaction reference for your bank.",
            "I'm sorry the refund is taking a while. The return for order {order} arrived at our warehouse and passed inspection, so I've pushed the refund of {amount} through manually just now. It should appear on your card ending in {card} within 3–5 business days.",
        ]),
        ([
            "Could you refund order {order}? The {product} doesn't suit me and it's still unopened in the box.",
            "I'd like my money back for the {product} (order {order}). It isn't what I expected from the photos.",
            "How do I return the {product} I bought last week? Order {order}. I'd prefer a refund rather than store credit.",
        ], [
            "No problem. Order {order} is within our 30-day return window, so you're eligible for a full refund of {amount}. I've emailed a prepaid return label to the address on your account; just pack the {product} in its original box and drop it at any post office. We'll refund your card ending in {card} within 2 business days of receiving it.",
            "I'm sorry the {product} wasn't right for you. I've started a return for order {order} and sent a prepaid label to your email. Once the carrier scans the parcel, we'll refund {amount} to your original payment method, usually within 5 business days. No store credit, just a straight refund.",
        ]),
    ],
    "password_reset": [
        ([
            "I can't log in. I've requested a password reset three times but the email never arrives. My login is {email}.",
            "The password reset email isn't coming through. Account email: {email}. I've checked twice.",
        ], [
            "Sorry about the trouble signing in. Our reset emails come from no-reply@accounts.example.com and are sometimes filtered into spam or promotions folders, so please check there first. I've also sent a fresh reset link to {email} just now; it stays valid for 60 minutes. If it still doesn't arrive within 10 minutes, reply here and we'll verify your identity and reset it for you.",
            "Thanks for letting us know. The address {email} had bounced one of our emails last month, so our system paused sending to it. I've cleared that block and sent a new reset link, which is valid for 60 minutes. Please add no-reply@accounts.example.com to your contacts so future emails get through.",
        ]),
        ([
            "The password reset link says it has expired every time I click it. I need to download my invoices today.",
            "Every reset link I get says \"link expired\". What am I doing wrong?",
        ], [
            "Reset links expire after 60 minutes and work only once, and opening an older email shows exactly that message. I've invalidated the old links and sent a new one to the email on your account. Please open only the newest email and set your password within the hour; your invoices are then under Account > Orders.",
        ]),
        ([
            "How do I change my password? I think someone else may know it.",
            "I'd like to change my password because I used the same one on another site that was hacked.",
        ], [
            "Good call changing it. Go to Account > Security > Change password, enter your current password and a new one of at least 12 characters. As a precaution I've also signed your account out of all other devices, and you can turn on two-step verification on the same page.",
        ]),
    ],
    "invoice": [
        ([
            "Could you send me a VAT invoice for order {order}? It needs to be made out to {company}.",
            "Our accounts team needs an invoice with our company name ({company}) for order {order}, placed on {date}.",
        ], [
            "Of course. I've issued a VAT invoice for order {order} made out to {company} and sent it as a PDF to the email on the account. You can also download it at any time under Account > Orders > Invoice. If your accounts team needs a purchase order number on it, reply with the number and I'll reissue it.",
            "Happy to help. The invoice for order {order} ({amount}) is now addressed to {company}; I've emailed you the PDF and attached it to the order page as well.",
        ]),
        ([
            "Invoice {invoice} for order {order} is missing our VAT number, {vat}. Can you correct it?",
            "Please add our VAT number {vat} to invoice {invoice} (order {order}). Our auditor won't accept it without it.",
        ], [
            "Thanks for spotting that. I've cancelled invoice {invoice} and issued a corrected one for order {order} that includes VAT number {vat}. The new PDF is in your inbox and replaces the old one, so your accounts team can discard the original.",
            "Sorry for the trouble. A corrected invoice with VAT number {vat} is attached to order {order} now and has been emailed to you; invoice {invoice} is voided so there's no duplicate in your books.",
        ]),
    ],
    "warranty": [
        ([
            "I bought the {product} {months} months ago and {fault}. Is this covered by the warranty?",
            "My {product} has a problem: {fault}. I've had it for {months} months. What are my options?",
            "{Fault} on my {product}, which is only {months} months old. Can it be repaired?",
        ], [
            "I'm sorry to hear that. Your {product} is {months} months old, so it's well within the 2-year warranty. Please reply with a photo of the serial number label and a short video showing the issue, and I'll email you a prepaid return label. Once it reaches our repair centre we'll repair or replace it within 5 business days.",
            "Thanks for letting us know. That fault is covered by the warranty, so there's no charge. I've opened warranty case {case}; we'll send a replacement {product} as soon as you confirm your delivery address, with a label to return the faulty one within 30 days.",
        ]),
    ],
    "address_change": [
        ([
            "I just placed order {order} but I need it delivered to {address} instead. Can you change the address?",
            "Can I change the delivery address on order {order}? I'm moving this week and the new address is {address}.",
            "I made a typo in the shipping address for order {order}. It should be {address}.",
        ], [
            "Done: order {order} will now be delivered to {address}. It hadn't left the warehouse yet, so the change is in time and the delivery date stays the same. You'll receive a confirmation email with the updated address in a few minutes.",
            "Thanks for letting us know quickly. I've updated order {order} to ship to {address} and sent you a confirmation. Please check the address in that email; if anything is wrong, reply before 3 pm today, when the parcel is packed.",
            "Order {order} had already been handed to the carrier, so I couldn't edit it on our side, but I've requested a redirect to {address}. The carrier will confirm by text within 24 hours; a redirect can add one or two days to delivery, and there's no extra charge.",
        ]),
    ],
    "cancel_order": [
        ([
            "Please cancel order {order}. I ordered the wrong model by mistake.",
            "I'd like to cancel order {order}, placed this morning. I found what I needed locally.",
            "Is it still possible to cancel order {order} for the {product}?",
        ], [
            "I've cancelled order {order} before it was packed, so nothing will be shipped. The payment of {amount} was only authorised, not captured, so the hold on your card ending in {card} will drop off within 1–3 business days.",
            "Your order {order} is cancelled. A full refund of {amount} is on its way to your original payment method and usually shows within 3–5 business days. You'll get a cancellation confirmation by email shortly.",
        ]),
    ],
    "damaged_item": [
        ([
            "My {product} arrived today with {damage}. Order {order}. I'm really disappointed.",
            "The box for order {order} was crushed and the {product} inside has {damage}.",
            "Received order {order}, but the {product} has {damage}. Can I get a replacement?",
        ], [
            "I'm really sorry your {product} arrived damaged. We'll send a replacement right away at no cost: it ships within 1 business day and you'll get tracking by email. There's no need to return the damaged one. I've also reported the damage to the carrier under case {case}.",
            "Sorry about this, that's not how it should arrive. Could you reply with a photo of the damage and of the outer box? As soon as we have it, we'll either ship a replacement {product} or refund {amount} in full for order {order}, whichever you prefer.",
        ]),
    ],
    "wrong_item": [
        ([
            "I ordered the {product} but received {wrong} instead. Order {order}.",
            "Order {order} came with the wrong item: {wrong}, not the {product} I paid for.",
            "There's been a mix-up with order {order}. Inside the box was {wrong}. Where is my {product}?",
        ], [
            "Apologies for the mix-up. I've shipped the correct {product} to you today by express delivery, and you'll have tracking within a few hours. I've also emailed a prepaid label for sending back {wrong}; there's no rush, you have 30 days.",
            "That's our mistake, sorry. A replacement {product} for order {order} is being packed now and will arrive by {eta}. When it does, please use the enclosed return label to send back {wrong}.",
        ]),
    ],
    "double_charge": [
        ([
            "I was charged twice for order {order}: two payments of {amount} on {date}. Please refund one of them.",
            "My bank statement shows {amount} taken twice for the same order ({order}).",
        ], [
            "You're right, and I'm sorry. I can see two payments of {amount} for order {order}; the second was caused by a payment timeout at checkout. I've refunded the duplicate today, and it will appear on your card ending in {card} within 3–5 business days.",
            "Thanks for flagging this. One of the two {amount} transactions for order {order} is only a pending authorisation and will disappear from your statement within 2 business days without any action from you. If it's still there after {eta}, reply with a screenshot and we'll refund it immediately.",
        ]),
    ],
    "account_access": [
        ([
            "My account is locked after too many login attempts. Email: {email}.",
            "It says my account is temporarily locked. I need to place an order today. My email is {email}.",
        ], [
            "Your account was locked for 30 minutes after five failed sign-in attempts, which protects it against password guessing. I've unlocked it now, so you can sign in with {email}. If you're not sure of the password, use Forgot password on the login page and the link will arrive within a few minutes.",
        ]),
        ([
            "I got a new phone and now I can't get the two-step verification codes. How do I get back into my account ({email})?",
            "Lost my phone, so no verification codes. Account: {email}. Please help.",
        ], [
            "To protect your account we first need to confirm it's you. I've sent a one-time verification code to {email}; reply with that code and I'll remove the old phone from two-step verification. You can then set it up on your new phone under Account > Security in about two minutes.",
        ]),
    ],
    "exchange": [
        ([
            "Can I exchange the {product} from order {order} for the {colour} one?",
            "I'd like to swap my {product} (order {order}) for {colour}. The colour looked different online.",
        ], [
            "Of course, exchanges are free within 30 days. I've reserved a {colour} {product} for you and emailed a prepaid return label. As soon as the carrier scans your parcel, we'll ship the new one, so you won't have to wait for the return to reach us.",
            "Happy to swap it. The {colour} {product} is in stock, and I've set up the exchange on order {order}: send the original back with the label in your inbox and the {colour} one will be delivered by {eta}.",
        ]),
    ],
}

SUPPORT_ZH = {
    "order_delay": [
        ([
            "我的订单{order}本来{days}天前就该到了，到现在还没收到，物流从{date}起就没更新过，能帮我查一下吗？",
            "我{date}买的{product}（订单号{order}）到现在还没到，周末之前要用，有什么办法吗？",
            "订单{order}的物流从{date}开始一直显示“运输中”，包裹是不是丢了？",
            "订单{order}已经晚了{days}天了，是送给妹妹的生日礼物，有点着急。",
        ], [
            "非常抱歉订单{order}延误了。我刚和快递公司核实过：包裹在区域分拨中心滞留，现在已经重新发出，预计{eta}前送达。我已为您加急处理，今天会把最新的物流链接发到您的邮箱。如果{eta}还没收到，请直接回复，我们免费为您补发。",
            "感谢您的耐心等待。订单{order}是按时出库的，但快递在中转站漏扫了一次，所以物流一直没更新。快递公司已确认{eta}前送达。为表歉意，{shipping}运费已原路退回到您的支付账户。",
            "抱歉让您久等了。快递公司确认订单{order}的包裹没有丢失，因为上次派送未成功被改派，预计{eta}送达。我已创建工单{case}持续跟进，如果届时仍未送达，我们会当天为您重新寄出一件{product}。",
        ]),
    ],
    "refund": [
        ([
            "订单{order}的{product}我{date}就寄回去了，退款{amount}还没到账，一般要多久？",
            "你们{days}天前就确认收到退货了，可{amount}还没退到我卡上。订单号{order}。",
            "订单{order}的退款还没收到，{product}{date}已经寄回了。",
        ], [
            "感谢您的询问。订单{order}的退货我们已经收到，{amount}退款今天已原路退回到您尾号{card}的银行卡，银行入账一般需要3到5个工作日。如果下{eta}还没看到，请回复本邮件，我们会提供交易流水号方便您向银行查询。",
            "抱歉退款让您久等了。订单{order}的退货已到仓并通过质检，我刚刚为您手动提交了{amount}的退款，预计3到5个工作日内退回到尾号{card}的银行卡。",
        ]),
        ([
            "订单{order}可以退款吗？{product}不太适合我，还没拆封。",
            "我想退掉{product}（订单{order}），实物和图片差别有点大。",
            "上周买的{product}怎么退货？订单号{order}，我希望直接退款，不要购物金。",
        ], [
            "没问题。订单{order}还在30天无理由退货期内，可以全额退款{amount}。我已把预付运费的退货面单发到您账户邮箱，请把{product}装回原包装，在任意快递网点寄出即可。我们收货后2个工作日内退款到您尾号{card}的银行卡。",
            "很遗憾{product}不合您心意。我已为订单{order}发起退货，并把预付面单发到了您的邮箱。快递揽收后，{amount}会原路退回，一般5个工作日内到账，直接退款，不会转为购物金。",
        ]),
    ],
    "password_reset": [
        ([
            "登录不了，重置密码的邮件申请了三次都没收到。我的账号是{email}。",
            "重置密码邮件一直收不到，账号邮箱{email}，我已经查过两遍了。",
        ], [
            "抱歉给您带来不便。我们的重置邮件发件人是no-reply@accounts.example.com，有时会被归到垃圾邮件或推广邮件里，请先在那里找一下。我刚刚也向{email}重新发送了一封重置邮件，链接60分钟内有效。如果10分钟后仍未收到，请回复本邮件，我们核实身份后为您人工重置。",
            "感谢告知。{email}上个月有一封邮件被退回，系统因此暂停了向该地址发信。我已解除限制并重新发送了重置链接，60分钟内有效。建议把no-reply@accounts.example.com加入通讯录，以免以后的邮件被拦截。",
        ]),
        ([
            "每次点重置密码的链接都提示已过期，我今天要下载发票。",
            "收到的重置链接都显示“链接已失效”，是哪里操作不对吗？",
        ], [
            "重置链接的有效期是60分钟，且只能使用一次，打开较早的邮件就会出现这个提示。我已让旧链接全部失效，并向您账户邮箱发送了新链接。请只打开最新的那封邮件，在一小时内设置新密码；发票可以在“账户 > 订单”中下载。",
        ]),
        ([
            "怎么修改密码？我怀疑别人知道我的密码。",
            "我在别的网站用过同一个密码，那个网站被黑了，想把这里的密码也改掉。",
        ], [
            "及时修改很有必要。请进入“账户 > 安全 > 修改密码”，输入当前密码和至少12位的新密码。为保险起见，我已让您的账户在其他所有设备上退出登录；在同一页面还可以开启两步验证。",
        ]),
    ],
    "invoice": [
        ([
            "订单{order}能开增值税发票吗？抬头是{company}。",
            "我们财务需要订单{order}的发票，抬头写{company}，下单日期是{date}。",
        ], [
            "可以的。订单{order}的增值税发票已按抬头“{company}”开具，电子版已发送到账户邮箱，您也可以随时在“账户 > 订单 > 发票”中下载。如果财务需要在发票备注里写采购单号，请回复单号，我们为您重新开具。",
            "很乐意帮忙。订单{order}（{amount}）的发票抬头已改为“{company}”，电子发票已发到您的邮箱，订单页面也可以下载。",
        ]),
        ([
            "订单{order}的发票{invoice}上没有税号，我们的税号是{vat}，能帮忙改一下吗？",
            "请在发票{invoice}（订单{order}）上补上税号{vat}，不然报销不了。",
        ], [
            "感谢您指出。发票{invoice}已作废，我们为订单{order}重新开具了带税号{vat}的发票，新的电子发票已发到您的邮箱，请以新发票为准。",
            "抱歉给您添麻烦了。带税号{vat}的新发票已关联到订单{order}并发送到您的邮箱，原发票{invoice}已红冲作废，不会重复入账。",
        ]),
    ],
    "warranty": [
        ([
            "我的{product}买了{months}个月，{fault}，这在保修范围内吗？",
            "{product}出问题了：{fault}。才用了{months}个月，怎么处理？",
            "用了{months}个月的{product}{fault}，能修吗？",
        ], [
            "很抱歉给您带来困扰。您的{product}购买{months}个月，仍在两年保修期内。请回复产品序列号标签的照片和一段故障视频，我会把预付运费的寄修面单发给您。产品到达维修中心后，我们会在5个工作日内完成维修或更换。",
            "感谢反馈。这个故障属于保修范围，不收取任何费用。我已创建保修工单{case}，您确认收货地址后我们就寄出一件新的{product}，并附上退回面单，旧机请在30天内寄回。",
        ]),
    ],
    "address_change": [
        ([
            "我刚下了订单{order}，收货地址要改成{address}，可以吗？",
            "订单{order}能改收货地址吗？这周搬家，新地址是{address}。",
            "订单{order}的收货地址写错了，应该是{address}。",
        ], [
            "已为您修改：订单{order}将配送至{address}。包裹还没出库，修改及时，送达时间不变。几分钟内您会收到一封包含新地址的确认邮件。",
            "感谢您及时告知。订单{order}的收货地址已改为{address}，确认邮件已发出。请核对邮件中的地址，如有问题请在今天下午3点打包前回复。",
            "订单{order}已经交给快递，我们这边无法直接修改，但已向快递公司申请改派到{address}。快递会在24小时内短信确认，改派可能让送达时间推迟一到两天，不会额外收费。",
        ]),
    ],
    "cancel_order": [
        ([
            "请取消订单{order}，我拍错型号了。",
            "订单{order}是今天上午下的，想取消，已经在附近买到了。",
            "订单{order}的{product}现在还能取消吗？",
        ], [
            "订单{order}已在打包前为您取消，不会发货。{amount}款项只是预授权，尚未扣款，尾号{card}银行卡上的冻结金额会在1到3个工作日内自动释放。",
            "订单{order}已取消，{amount}将全额原路退回，一般3到5个工作日到账。稍后您会收到取消确认邮件。",
        ]),
    ],
    "damaged_item": [
        ([
            "今天收到的{product}{damage}，订单号{order}，太失望了。",
            "订单{order}的外箱被压扁了，里面的{product}{damage}。",
            "订单{order}收到了，可{product}{damage}，能换个新的吗？",
        ], [
            "非常抱歉{product}在运输中受损。我们马上免费为您补发一件，1个工作日内发出，物流信息会发到您的邮箱。损坏的商品不用寄回。我已用工单{case}向快递公司登记了此次破损。",
            "抱歉让您收到这样的商品。麻烦回复一张破损处和外箱的照片，收到后我们会为订单{order}补发新的{product}，或全额退款{amount}，由您选择。",
        ]),
    ],
    "wrong_item": [
        ([
            "我买的是{product}，收到的却是{wrong}。订单号{order}。",
            "订单{order}发错货了：收到{wrong}，不是我付款买的{product}。",
            "订单{order}好像搞混了，箱子里是{wrong}，我的{product}呢？",
        ], [
            "抱歉发错了货。正确的{product}今天已加急寄出，几小时内您会收到物流单号。我也把退回{wrong}的预付面单发到了您的邮箱，30天内寄回即可，不用着急。",
            "这是我们的失误，非常抱歉。订单{order}的{product}正在重新打包，预计{eta}送达。收到后请用包裹里附带的退货面单把{wrong}寄回。",
        ]),
    ],
    "double_charge": [
        ([
            "订单{order}被扣了两次款，{date}扣了两笔{amount}，请退回一笔。",
            "银行账单显示同一个订单（{order}）扣了两次{amount}。",
        ], [
            "您说得对，非常抱歉。订单{order}确实有两笔{amount}的扣款，第二笔是结账时支付超时导致的重复扣款。重复的款项今天已退回，3到5个工作日内到账尾号{card}的银行卡。",
            "感谢提醒。订单{order}的两笔{amount}中有一笔只是待处理的预授权，2个工作日内会自动从账单上消失，无需您操作。如果{eta}之后仍然存在，请回复截图，我们立即退款。",
        ]),
    ],
    "account_access": [
        ([
            "登录失败次数太多，账号被锁了。邮箱：{email}。",
            "提示账号暂时被锁定，今天急着下单，邮箱是{email}。",
        ], [
            "连续5次登录失败后账号会被锁定30分钟，这是为了防止密码被猜测。我已为您解锁，现在可以用{email}登录。如果不确定密码，请在登录页点击“忘记密码”，几分钟内就会收到重置链接。",
        ]),
        ([
            "换了新手机，收不到两步验证码了，怎么登录账号（{email}）？",
            "手机丢了，收不到验证码。账号：{email}，求助。",
        ], [
            "为保护您的账户，我们需要先确认是您本人。我已向{email}发送一次性验证码，请回复该验证码，我会为您解绑旧手机。之后您可以在“账户 > 安全”中用新手机重新设置两步验证，大约两分钟即可完成。",
        ]),
    ],
    "exchange": [
        ([
            "订单{order}的{product}能换成{colour}的吗？",
            "我想把{product}（订单{order}）换成{colour}，网上看颜色不太一样。",
        ], [
            "当然可以，30天内换货免费。我已为您预留一件{colour}{product}，并把预付退货面单发到了您的邮箱。快递揽收您寄回的包裹后，我们就发出新商品，不用等退货到仓。",
            "没问题，{colour}{product}有货，我已为订单{order}办理换货：请用邮箱里的面单寄回原商品，{colour}的那件预计{eta}送达。",
        ]),
    ],
}

OPENERS_EN = ["", "", "Hi, ", "Hello, ", "Hi there, ", "Good morning, ", "Hello support team, "]
CLOSERS_EN = ["", "", " Thanks.", " Thanks in advance.", " Appreciate your help.", " Please get back to me soon."]
OPENERS_ZH = ["", "", "你好，", "您好，", "客服你好，", "在吗？"]
CLOSERS_ZH = ["", "", "谢谢！", "麻烦尽快处理。", "辛苦了。", "谢谢。"]
REPLY_CLOSERS_EN = ["", "Thanks for your patience.", "Let us know if there's anything else we can do.",
                    "We're here if you need anything else.", "Have a good day!"]
REPLY_CLOSERS_ZH = ["", "感谢您的耐心。", "如有其他问题，欢迎随时联系我们。", "祝您生活愉快！", "给您带来不便，敬请谅解。"]


def _support_slots(rng: random.Random, lang: str) -> dict:
    if lang == "en":
        product, price, fault, damage = rng.choice(SUPPORT_PRODUCTS_EN)
        name = rng.choice(NAMES_EN)
        street, city = rng.choice(STREETS_EN), rng.choice(CITIES_EN)
        day = rng.randint(1, 28)
        return {
            "name": name, "order": f"#{rng.randint(100000, 999999)}", "product": product,
            "amount": f"${price}", "fault": fault, "Fault": cap(fault), "damage": damage,
            "card": f"{rng.randint(0, 9999):04d}", "date": f"{rng.choice(MONTHS_EN)} {day}",
            "days": str(rng.randint(3, 12)), "eta": rng.choice(WEEKDAYS_EN), "case": f"CS-{rng.randint(10000, 99999)}",
            "email": f"{name.lower()}.{rng.choice('abcdefghklmnprstw')}{rng.randint(1, 99)}@example.com",
            "address": f"{rng.randint(2, 148)} {street}, {city}", "company": rng.choice(COMPANIES_EN),
            "vat": f"GB{rng.randint(100000000, 999999999)}", "invoice": f"INV-{rng.randint(100000, 999999)}",
            "months": str(rng.randint(2, 20)), "wrong": rng.choice(WRONG_ITEMS_EN), "colour": rng.choice(COLOURS_EN),
            "shipping": rng.choice(["$4.95", "$5.99", "$7.50"]),
        }
    product, price, fault, damage = rng.choice(SUPPORT_PRODUCTS_ZH)
    surname, pinyin = rng.choice(SURNAMES_ZH)
    city, district, road = rng.choice(DISTRICTS_ZH)
    return {
        "name": surname + rng.choice(["先生", "女士"]), "order": str(rng.randint(240000000000, 241299999999)),
        "product": product, "amount": f"{price}元", "fault": fault, "Fault": fault, "damage": damage,
        "card": f"{rng.randint(0, 9999):04d}", "date": f"{rng.randint(1, 12)}月{rng.randint(1, 28)}日",
        "days": str(rng.randint(3, 12)), "eta": rng.choice(WEEKDAYS_ZH), "case": f"CS-{rng.randint(10000, 99999)}",
        "email": f"{pinyin}{rng.randint(1, 999)}@example.com",
        "address": f"{city}{district}{road}{rng.randint(1, 399)}号{rng.randint(1, 18)}栋{rng.randint(1, 28)}0{rng.randint(1, 4)}室",
        "company": rng.choice(COMPANIES_ZH),
        "vat": "91" + "".join(rng.choice("0123456789") for _ in range(6)) + "MA"
               + "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(8)),
        "invoice": str(rng.randint(10000000, 99999999)), "months": str(rng.randint(2, 20)),
        "wrong": rng.choice(WRONG_ITEMS_ZH), "colour": rng.choice(COLOURS_ZH),
        "shipping": rng.choice(["8元", "10元", "12元"]),
    }


def _support_example(rng: random.Random, lang: str, kind: str) -> dict:
    bank = SUPPORT_EN if lang == "en" else SUPPORT_ZH
    messages, replies = rng.choice(bank[kind])
    slots = _support_slots(rng, lang)
    signed = rng.random() < 0.45
    body = rng.choice(messages).format(**slots)
    if lang == "en":
        opener = rng.choice(OPENERS_EN)
        if opener and not body.startswith(("I ", "I'")):
            body = body[:1].lower() + body[1:]
        message = opener + body + rng.choice(CLOSERS_EN)
        if signed:
            message += "\n" + rng.choice(["", "", "Best, ", "Regards, ", "Thanks, "]) + slots["name"]
        greeting = rng.choice(["Hi {name},", "Hello {name},", "Dear {name},"]).format(**slots) if signed \
            else rng.choice(["Hello,", "Hi there,", "Hello, and thanks for getting in touch."])
        closer = rng.choice(REPLY_CLOSERS_EN)
        reply = greeting + "\n\n" + rng.choice(replies).format(**slots) + (" " + closer if closer else "")
        reply += "\n\n" + SIGN_EN
    else:
        intro = f"我是{slots['name']}，" if signed else ""
        message = rng.choice(OPENERS_ZH) + intro + body + rng.choice(CLOSERS_ZH)
        greeting = f"{slots['name']}您好，" if signed else rng.choice(["您好，", "亲爱的顾客，您好！", "您好！"])
        reply = greeting + "\n\n" + rng.choice(replies).format(**slots) + rng.choice(REPLY_CLOSERS_ZH)
        reply += "\n\n" + SIGN_ZH
    return alpaca(message, "", reply, kind)


def build_support() -> list[dict]:
    rng = rng_for("support-replies")
    rows = []
    for lang in ("en", "zh"):
        kinds = list(SUPPORT_EN)
        rows += fill_unique(lambda i: _support_example(rng, lang, kinds[i % len(kinds)]),
                            N_PER_LANGUAGE, key=lambda r: r["instruction"])
    rng.shuffle(rows)
    return rows


# ===========================================================================
# 3. R&D: technical summaries
# ===========================================================================
# Every note is built from facts drawn once; the English and Chinese texts and
# the one-sentence summary are rendered from the same facts, so the summary
# never states anything the note does not.

SERVICES = ["billing-api", "search-indexer", "auth-service", "checkout-gateway", "report-builder",
            "ingest-pipeline", "notify-service", "sync-api", "inventory-service", "thumbnailer",
            "export-worker", "pricing-engine"]
APPS = [("Workbench Desktop", "Workbench 桌面版"), ("the FieldSync mobile app", "FieldSync 移动端"),
        ("Ledger CLI", "Ledger 命令行工具"), ("Atlas SDK", "Atlas SDK"), ("the Beacon dashboard", "Beacon 仪表盘"),
        ("Relay gateway", "Relay 网关")]
DAYS_EN = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
DAYS_ZH = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"]
PLATFORMS = [("Windows", "Windows"), ("macOS", "macOS"), ("Android", "Android"), ("iOS", "iOS"),
             ("low-end laptops", "低配笔记本")]
FEATURES = [  # en, en short, zh, zh short
    ("offline editing for shared documents", "offline editing", "共享文档离线编辑", "离线编辑"),
    ("a dark theme that follows the system setting", "a system-aware dark theme", "跟随系统设置的深色主题", "深色主题"),
    ("bulk CSV export from every report", "bulk CSV export", "所有报表一键批量导出 CSV", "批量导出 CSV"),
    ("single sign-on through SAML 2.0", "SAML single sign-on", "基于 SAML 2.0 的单点登录", "SAML 单点登录"),
    ("a redesigned search page with filters", "a redesigned search page", "带筛选器的全新搜索页", "新版搜索页"),
    ("two-factor login with hardware keys", "hardware-key two-factor login", "支持硬件密钥的双因素登录", "硬件密钥双因素登录"),
    ("scheduled reports delivered by email", "scheduled email reports", "按计划通过邮件发送报表", "定时邮件报表"),
    ("a command palette opened with Ctrl+K", "a command palette", "按 Ctrl+K 打开的命令面板", "命令面板"),
    ("resumable uploads for files up to 5 GB", "resumable uploads", "最大 5 GB 文件的断点续传", "断点续传"),
]
BUGS = [
    ("a crash when opening files larger than 2 GB", "打开超过 2 GB 的文件时崩溃的问题"),
    ("duplicate notifications after reconnecting", "重新连接后重复推送通知的问题"),
    ("wrong totals in the monthly invoice view", "月度账单视图合计金额错误的问题"),
    ("a memory leak in the preview pane", "预览面板内存泄漏的问题"),
    ("time-zone errors in recurring events", "重复日程的时区错误"),
    ("sign-out failures on slow networks", "弱网环境下无法退出登录的问题"),
]
INCIDENT_CAUSES = [  # cause en, cause en short, fix en (gerund), follow-up en, cause zh, cause zh short, fix zh, follow zh
    ("an expired TLS certificate on the internal load balancer", "an expired TLS certificate",
     "renewing the certificate and reloading the proxies", "Certificate expiry alerts now fire 30 days ahead instead of 3.",
     "内部负载均衡器上的 TLS 证书过期", "TLS 证书过期", "续签证书并重新加载代理", "证书到期告警已从提前 3 天改为提前 30 天。"),
    ("a configuration change that capped the database connection pool at 50", "an undersized connection pool",
     "rolling back the configuration", "Connection pool changes now require a load test before they are merged.",
     "一次配置变更把数据库连接池上限改成了 50", "连接池上限过低", "回滚配置", "今后修改连接池配置必须先通过压测才能合并。"),
    ("a schema migration that locked the orders table during peak traffic", "a table-locking migration",
     "stopping the migration and re-running it off-peak with online DDL", "Migrations on tables with more than 10 million rows must now use online DDL.",
     "一次数据库结构迁移在高峰期锁住了订单表", "迁移锁表", "终止迁移并在低峰期用在线 DDL 重新执行", "超过 1000 万行的表今后必须使用在线 DDL 迁移。"),
    ("a DNS change that pointed the service at a decommissioned cache cluster", "a faulty DNS change",
     "reverting the DNS record", "DNS changes now go through the same review as code changes.",
     "一次 DNS 变更把服务指向了已下线的缓存集群", "错误的 DNS 变更", "回退 DNS 记录", "DNS 变更今后与代码变更走同样的评审流程。"),
    ("a retry storm from mobile clients after a push notification", "a client retry storm",
     "enabling rate limiting at the edge", "The next app release adds exponential backoff with jitter to all retries.",
     "一次推送通知后移动客户端集中重试形成请求风暴", "客户端重试风暴", "在边缘网关开启限流", "下个客户端版本将为所有重试加入带随机抖动的指数退避。"),
    ("the primary database node running out of disk space because of verbose debug logging", "a full disk on the primary node",
     "deleting the debug logs and failing over to the replica", "Debug logging is now off by default in production and disk alerts fire at 80%.",
     "主库节点因调试日志过多导致磁盘写满", "主库磁盘写满", "清理调试日志并切换到备库", "生产环境默认关闭调试日志，磁盘使用率告警阈值调整为 80%。"),
    ("a memory leak in the image resizing library added in the last deploy", "a memory leak in a new library",
     "rolling back the deploy", "Memory per pod is now a release gate in the canary stage.",
     "上次发布引入的图片缩放库存在内存泄漏", "新引入库的内存泄漏", "回滚发布", "单个 Pod 的内存占用已成为灰度阶段的发布门槛。"),
]
ERRORS = [("5xx errors", "5xx 错误"), ("timeouts", "超时"), ("HTTP 503 responses", "HTTP 503 响应")]
TEST_AREAS = [  # area en, cause en, cause en short, area zh, cause zh, cause zh short
    ("currency rounding", "a change in the rounding mode for JPY amounts", "a rounding-mode change",
     "货币舍入", "日元金额舍入模式的一处改动", "舍入模式改动"),
    ("the login flow", "a test fixture that still uses an expired certificate", "an expired test certificate",
     "登录流程", "一个仍在使用过期证书的测试夹具", "测试证书过期"),
    ("PDF export", "a font that is missing from the new CI image", "a font missing from the CI image",
     "PDF 导出", "新 CI 镜像中缺少一个字体", "CI 镜像缺字体"),
    ("date handling", "tests that assume the machine runs in UTC", "time-zone assumptions in the tests",
     "日期处理", "测试用例默认机器时区为 UTC", "测试的时区假设"),
    ("file upload", "a 30-second timeout that the new runners exceed", "a too-short upload timeout",
     "文件上传", "新构建机超出了 30 秒的超时设置", "上传超时设置过短"),
    ("search ranking", "an outdated golden file after the relevance change", "an outdated golden file",
     "搜索排序", "相关性调整后未更新的基准文件", "基准文件过期"),
]
COMPONENTS = [("checkout-web", "checkout-web"), ("billing-api", "billing-api"), ("the Android app", "Android 客户端"),
              ("the desktop client", "桌面客户端"), ("report-builder", "report-builder"), ("sync-api", "sync-api")]
DESIGN_CHOICES = [  # purpose en, chosen, rejected, unit en, extra en, purpose zh, unit zh, extra zh
    ("the event store", "PostgreSQL", "MongoDB", "writes", "a separate backup toolchain",
     "事件存储", "次写入", "一套独立的备份工具链"),
    ("the job queue", "Redis Streams", "RabbitMQ", "messages", "another cluster for the platform team to operate",
     "任务队列", "条消息", "平台团队再维护一个集群"),
    ("product search", "OpenSearch", "Solr", "queries", "a custom plugin for Chinese word segmentation",
     "商品搜索", "次查询", "自研中文分词插件"),
    ("internal service calls", "gRPC", "REST over JSON", "requests", "hand-written clients in four languages",
     "内部服务调用", "次请求", "手写四种语言的客户端"),
    ("the analytics warehouse", "ClickHouse", "a PostgreSQL read replica", "queries", "nightly maintenance windows that block reports",
     "分析数仓", "次查询", "每晚阻塞报表的维护窗口"),
    ("session storage", "Redis", "Memcached", "reads", "a second store for persistence",
     "会话存储", "次读取", "额外的持久化存储"),
]
OPTION_ZH = {"REST over JSON": "基于 JSON 的 REST 接口", "a PostgreSQL read replica": "PostgreSQL 只读副本"}
QUARTERS = [("Q1", "第一季度"), ("Q2", "第二季度"), ("Q3", "第三季度"), ("Q4", "第四季度")]
HOTSPOTS = [  # hotspot en, fix en (noun phrase), hotspot zh, fix zh
    ("serialising the whole product catalogue on every request", "a response cache for the catalogue",
     "每次请求都重新序列化整个商品目录", "商品目录响应缓存"),
    ("N+1 database queries when loading order lines", "batched queries for order lines",
     "加载订单明细时的 N+1 数据库查询", "订单明细批量查询"),
    ("compiling regular expressions inside the request loop", "precompiled regular expressions",
     "请求循环里反复编译正则表达式", "预编译正则表达式"),
    ("new TLS handshakes for every call to the payment provider", "connection pooling for payment calls",
     "每次调用支付服务都重新建立 TLS 握手", "支付调用连接池"),
    ("JSON encoding of large reports in memory", "a streaming JSON encoder",
     "内存中整体编码大型报表 JSON", "流式 JSON 编码"),
    ("an unindexed lookup on customer email", "an index on customer email",
     "按客户邮箱查询时没有索引", "客户邮箱索引"),
]
MIGRATIONS = [  # data en, data zh, old, new
    ("order history", "订单历史", "MySQL 5.7", "PostgreSQL 16"),
    ("customer profiles", "客户档案", "an on-premise Oracle database", "PostgreSQL 15"),
    ("audit logs", "审计日志", "MongoDB 4.4", "PostgreSQL 16"),
    ("support tickets", "客服工单", "a self-managed Elasticsearch 6 cluster", "OpenSearch 2.11"),
    ("product catalogue data", "商品目录数据", "a single SQL Server instance", "a two-node PostgreSQL cluster"),
]
OLD_ZH = {"MySQL 5.7": "MySQL 5.7", "an on-premise Oracle database": "本地部署的 Oracle 数据库",
          "MongoDB 4.4": "MongoDB 4.4", "a self-managed Elasticsearch 6 cluster": "自建 Elasticsearch 6 集群",
          "a single SQL Server instance": "单实例 SQL Server", "PostgreSQL 16": "PostgreSQL 16",
          "PostgreSQL 15": "PostgreSQL 15", "OpenSearch 2.11": "OpenSearch 2.11",
          "a two-node PostgreSQL cluster": "双节点 PostgreSQL 集群"}
LIBS = [  # name, old, new, kind en, kind zh, impact en, impact short en, condition en, impact zh, impact short zh, condition zh
    ("libxparse", "2.3.1", "2.3.4", "XML parser", "XML 解析库", "reading arbitrary files on the server", "arbitrary file reads",
     "it parses untrusted XML with external entities enabled", "读取服务器上的任意文件", "任意文件读取", "开启外部实体并解析不可信的 XML"),
    ("tinyzip", "1.8.0", "1.8.2", "archive library", "压缩包处理库", "writing files outside the extraction folder", "path traversal",
     "it extracts uploaded archives", "把文件写到解压目录之外", "路径穿越", "解压用户上传的压缩包"),
    ("reqkit", "4.1.2", "4.1.5", "HTTP client", "HTTP 客户端库", "leaking authorization headers to other hosts", "credential leakage",
     "it follows cross-domain redirects", "把认证头泄露给其他主机", "凭据泄露", "跟随跨域重定向"),
    ("imgcodec", "0.9.7", "0.9.9", "image decoder", "图片解码库", "crashing the worker with a crafted PNG file", "denial of service",
     "it decodes user-uploaded images", "通过构造的 PNG 文件让工作进程崩溃", "拒绝服务", "解码用户上传的图片"),
    ("tokenkit", "3.0.0", "3.0.3", "JWT library", "JWT 库", "accepting unsigned tokens", "an authentication bypass",
     "the token's algorithm field is set to none", "接受未签名的令牌", "认证绕过", "令牌的算法字段被设为 none"),
    ("pdfrender", "5.2.0", "5.2.6", "PDF renderer", "PDF 渲染库", "running scripts embedded in a document", "script execution",
     "it renders customer-supplied PDFs", "执行文档中内嵌的脚本", "脚本执行", "渲染客户上传的 PDF"),
]
SEVERITIES = [("high", "高危"), ("critical", "严重"), ("medium", "中危")]


def tidy_zh(text: str) -> str:
    """Drop spaces between Chinese characters and around Chinese punctuation; space out Latin words."""
    cjk = "\u4e00-\u9fff"
    punct = "，。；：、（）“”！？"
    text = re.sub(f"(?<=[{cjk}])\\s+(?=[{cjk}])", "", text)
    text = re.sub(f"\\s+(?=[{punct}])", "", text)
    text = re.sub(f"(?<=[{punct}])\\s+", "", text)
    text = re.sub(f"(?<=[{cjk}])(?=[A-Za-z])", " ", text)
    text = re.sub(f"(?<=[A-Za-z])(?=[{cjk}])", " ", text)
    return text


def _pick_extras(rng: random.Random, extras: list[str], lo: int = 0, hi: int = 2) -> list[str]:
    return rng.sample(extras, k=rng.randint(lo, min(hi, len(extras))))


def tech_release(rng: random.Random, lang: str):
    app = rng.choice(APPS)
    ver = f"{rng.randint(2, 7)}.{rng.randint(0, 12)}.{rng.randint(0, 4)}"
    feat, bug, plat = rng.choice(FEATURES), rng.choice(BUGS), rng.choice(PLATFORMS)
    nfix, pct, day = rng.randint(6, 42), rng.randint(12, 48), rng.randrange(5)
    size0 = rng.randint(140, 320)
    size1 = size0 - rng.randint(15, 60)
    if lang == "en":
        a = app[0]
        s = [rng.choice([f"Version {ver} of {a} was released on {DAYS_EN[day]}.", f"{cap(a)} {ver} is now available to all customers.",
                         f"We shipped {a} {ver} this week."]),
             rng.choice([f"The main addition is {feat[0]}.", f"This release introduces {feat[0]}.", f"The headline feature is {feat[0]}."]),
             rng.choice([f"It also fixes {nfix} bugs, including {bug[0]}.", f"{nfix} bugs were fixed, the most visible being {bug[0]}."]),
             rng.choice([f"Cold start time drops by {pct}% on {plat[0]}.", f"Thanks to lazy plugin loading, cold start time on {plat[0]} is down {pct}%."])]
        s += _pick_extras(rng, [f"The installer shrinks from {size0} MB to {size1} MB.",
                                "The legacy export API is deprecated and will be removed in the next major version.",
                                "Auto-update remains off by default for managed installations.",
                                "Release notes are available in English and Chinese."])
        summary = rng.choice([f"{cap(a)} {ver} adds {feat[1]}, fixes {nfix} bugs and cuts cold start time on {plat[0]} by {pct}%.",
                              f"Release {ver} of {a} brings {feat[1]}, {nfix} bug fixes and a {pct}% faster cold start on {plat[0]}."])
    else:
        a = app[1]
        s = [rng.choice([f"{a} {ver} 版本已于{DAYS_ZH[day]}发布。", f"{a} {ver} 现已向所有客户开放。", f"本周我们发布了 {a} {ver}。"]),
             rng.choice([f"本次最主要的新功能是{feat[2]}。", f"该版本新增了{feat[2]}。"]),
             rng.choice([f"同时修复了 {nfix} 个问题，其中包括{bug[1]}。", f"共修复 {nfix} 个缺陷，最受关注的是{bug[1]}。"]),
             rng.choice([f"在 {plat[1]} 上冷启动时间缩短了 {pct}%。", f"得益于插件懒加载，{plat[1]} 上的冷启动时间减少了 {pct}%。"])]
        s += _pick_extras(rng, [f"安装包从 {size0} MB 缩小到 {size1} MB。", "旧版导出接口已标记为弃用，将在下一个大版本中移除。",
                                "对于集中管理的安装，自动更新仍默认关闭。", "发布说明提供中英文两个版本。"])
        summary = rng.choice([f"{a} {ver} 新增{feat[3]}，修复了 {nfix} 个问题，{plat[1]} 上冷启动时间缩短 {pct}%。",
                              f"{a} {ver} 版本带来{feat[3]}和 {nfix} 项缺陷修复，并使 {plat[1]} 上的冷启动时间缩短 {pct}%。"])
    return s, summary


def tech_incident(rng: random.Random, lang: str):
    svc, cause, err = rng.choice(SERVICES), rng.choice(INCIDENT_CAUSES), rng.choice(ERRORS)
    day, hh, mm = rng.randrange(7), rng.randint(0, 23), rng.choice([0, 5, 10, 12, 20, 25, 30, 40, 45, 52])
    dur, pct, tickets = rng.randint(8, 95), rng.randint(3, 40), rng.randint(12, 240)
    if lang == "en":
        s = [rng.choice([f"On {DAYS_EN[day]} at {hh:02d}:{mm:02d} UTC, {svc} began returning {err[0]} for {dur} minutes.",
                         f"For {dur} minutes starting {DAYS_EN[day]} {hh:02d}:{mm:02d} UTC, {svc} returned {err[0]}."]),
             rng.choice([f"About {pct}% of requests failed during that window.", f"Roughly {pct}% of requests were affected."]),
             f"The root cause was {cause[0]}.",
             rng.choice([f"We mitigated the incident by {cause[2]}.", f"Service recovered after {cause[2]}."])]
        s += _pick_extras(rng, [cause[3], f"Customer support received {tickets} tickets related to the outage.",
                                "No data was lost."], 1, 2)
        summary = rng.choice([
            f"A {dur}-minute {svc} incident on {DAYS_EN[day]}, caused by {cause[1]}, made about {pct}% of requests fail until it was resolved by {cause[2]}.",
            f"{cap(cause[1])} caused {dur} minutes of {err[0]} in {svc} on {DAYS_EN[day]}, affecting about {pct}% of requests, and was fixed by {cause[2]}."])
    else:
        s = [rng.choice([f"{DAYS_ZH[day]} {hh:02d}:{mm:02d}（UTC）起，{svc} 持续 {dur} 分钟出现 {err[1]}。",
                         f"{DAYS_ZH[day]} UTC 时间 {hh:02d}:{mm:02d} 开始，{svc} 连续 {dur} 分钟返回 {err[1]}。"]),
             rng.choice([f"期间约 {pct}% 的请求失败。", f"受影响的请求约占 {pct}%。"]),
             f"根本原因是{cause[4]}。",
             rng.choice([f"我们通过{cause[6]}止损。", f"{cause[6]}之后，服务恢复正常。"])]
        s += _pick_extras(rng, [cause[7], f"客服共收到 {tickets} 张与此次故障相关的工单。", "没有数据丢失。"], 1, 2)
        summary = rng.choice([
            f"{DAYS_ZH[day]} {svc} 因{cause[5]}故障 {dur} 分钟，约 {pct}% 的请求失败，通过{cause[6]}恢复。",
            f"{cause[5]}导致 {svc} 在{DAYS_ZH[day]}出现 {dur} 分钟的 {err[1]}，影响约 {pct}% 的请求，最终通过{cause[6]}解决。"])
    return s, summary


def tech_tests(rng: random.Random, lang: str):
    comp, area = rng.choice(COMPONENTS), rng.choice(TEST_AREAS)
    n = rng.randint(800, 9600)
    failed, skipped = rng.randint(1, 9), rng.randint(0, 40)
    passed = n - failed - skipped
    c0 = rng.randint(58, 84)
    c1 = c0 + rng.randint(1, 6)
    build, mins = rng.randint(1200, 9800), rng.randint(14, 75)
    the_comp = comp[0] if comp[0].startswith("the ") else "the " + comp[0]
    if lang == "en":
        fails = "one failure" if failed == 1 else f"{failed} failures"
        s = [rng.choice([f"The nightly regression suite for {comp[0]} ran {n:,} tests against build {build}.",
                         f"Build {build} of {comp[0]} went through the full regression suite of {n:,} tests."]),
             f"{passed:,} passed, {failed} failed and {skipped} were skipped.",
             (f"The failure is in {area[0]} and traces back to {area[1]}." if failed == 1
              else f"All {failed} failures are in {area[0]} and trace back to {area[1]}."),
             rng.choice([f"Line coverage rose from {c0}% to {c1}%.", f"Coverage improved from {c0}% to {c1}% of lines."])]
        s += _pick_extras(rng, [f"The full run took {mins} minutes.", "No new flaky tests were detected.",
                                "A fix is in review and should land before the next nightly run."])
        summary = rng.choice([
            f"Build {build} of {comp[0]} passed {passed:,} of {n:,} regression tests, with {fails} in {area[0]} caused by {area[2]}, and coverage rose to {c1}%.",
            f"{cap(the_comp)} regression run on build {build} had {fails} out of {n:,} tests, all in {area[0]} due to {area[2]}, while coverage rose from {c0}% to {c1}%."])
    else:
        s = [rng.choice([f"{comp[1]} 的夜间回归测试对构建 {build} 运行了 {n} 个用例。", f"构建 {build} 跑完了 {comp[1]} 的全量回归测试，共 {n} 个用例。"]),
             f"其中 {passed} 个通过，{failed} 个失败，{skipped} 个跳过。",
             (f"唯一的失败用例出现在{area[3]}，原因是{area[4]}。" if failed == 1
              else f"失败用例全部集中在{area[3]}，原因是{area[4]}。"),
             rng.choice([f"行覆盖率从 {c0}% 提升到 {c1}%。", f"代码行覆盖率由 {c0}% 升至 {c1}%。"])]
        s += _pick_extras(rng, [f"整轮测试耗时 {mins} 分钟。", "未发现新的不稳定用例。", "修复已提交评审，预计在下一次夜间构建前合入。"])
        summary = rng.choice([
            f"{comp[1]} 构建 {build} 的 {n} 个回归用例中 {passed} 个通过，{failed} 个失败均因{area[5]}出现在{area[3]}，覆盖率升至 {c1}%。",
            f"构建 {build} 的 {comp[1]} 回归测试有 {failed} 个用例因{area[5]}在{area[3]}失败，其余基本通过，行覆盖率从 {c0}% 提升到 {c1}%。"])
    return s, summary


def tech_design(rng: random.Random, lang: str):
    purpose, a, b, unit, extra, purpose_zh, unit_zh, extra_zh = rng.choice(DESIGN_CHOICES)
    x = rng.randint(8, 60) * 500
    x2 = int(x * rng.uniform(0.45, 0.8)) // 100 * 100
    y = rng.randint(6, 40)
    y2 = y + rng.randint(5, 60)
    q, cost = rng.choice(QUARTERS), rng.randint(4, 30) * 100
    if lang == "en":
        s = [rng.choice([f"We evaluated {a} and {b} for {purpose}.", f"For {purpose} we compared {a} with {b}."]),
             f"In a two-week spike, {a} sustained {x:,} {unit} per second at a p99 latency of {y} ms, versus {x2:,} and {y2} ms for {b}.",
             f"{cap(b)} would also have needed {extra}.",
             rng.choice([f"We are therefore adopting {a}, with the migration planned for {q[0]}.", f"The decision is {a}; migration is scheduled for {q[0]}."])]
        s += _pick_extras(rng, [f"Running cost is estimated at ${cost:,} per month.",
                                "The decision will be revisited if traffic grows tenfold.",
                                "The benchmark scripts are in the architecture repository."])
        summary = rng.choice([
            f"The team chose {a} over {b} for {purpose} because it sustained {x:,} {unit} per second at {y} ms p99 latency, and plans to migrate in {q[0]}.",
            f"{a} was picked for {purpose} after it outperformed {b} ({x:,} vs {x2:,} {unit} per second), with migration planned for {q[0]}."])
    else:
        b = OPTION_ZH.get(b, b)
        s = [rng.choice([f"我们针对{purpose_zh}评估了 {a} 和 {b}。", f"在{purpose_zh}选型中，我们对比了 {a} 与 {b}。"]),
             f"在为期两周的验证中，{a} 每秒可处理 {x} {unit_zh}，p99 延迟 {y} 毫秒；{b} 则为每秒 {x2} {unit_zh}、{y2} 毫秒。",
             f"选择 {b} 还需要{extra_zh}。",
             rng.choice([f"因此我们决定采用 {a}，迁移计划在{q[1]}进行。", f"最终结论是采用 {a}，计划{q[1]}完成迁移。"])]
        s += _pick_extras(rng, [f"运行成本预计每月 {cost} 美元。", "如果流量增长十倍，将重新评估该决定。", "基准测试脚本已放在架构仓库中。"])
        summary = rng.choice([
            f"团队为{purpose_zh}选择了 {a} 而非 {b}，因为它能以 {y} 毫秒的 p99 延迟每秒处理 {x} {unit_zh}，计划{q[1]}迁移。",
            f"{a} 在{purpose_zh}选型中以每秒 {x} {unit_zh}胜过 {b} 的 {x2} {unit_zh}，将于{q[1]}迁移。"])
    return s, summary


def tech_performance(rng: random.Random, lang: str):
    svc, hot = rng.choice(SERVICES), rng.choice(HOTSPOTS)
    ms0 = rng.randint(40, 180) * 10
    ms1 = int(ms0 * rng.uniform(0.15, 0.6)) // 10 * 10
    rps, share = rng.randint(4, 60) * 50, rng.randint(35, 80)
    cpu0 = rng.randint(55, 92)
    cpu1 = cpu0 - rng.randint(10, 40)
    day = rng.randrange(5)
    if lang == "en":
        s = [rng.choice([f"We profiled {svc} after its p95 latency climbed to {ms0} ms.", f"p95 latency of {svc} had reached {ms0} ms, so we profiled it under production load."]),
             f"About {share}% of request time was spent on {hot[0]}.",
             f"Adding {hot[1]} brought p95 latency down to {ms1} ms at the same load of {rps:,} requests per second.",
             f"CPU usage fell from {cpu0}% to {cpu1}%."]
        s += _pick_extras(rng, [f"The change is behind a feature flag and will reach all regions by {DAYS_EN[day]}.",
                                "Error rates did not change during the 48-hour canary.",
                                "A regression test now fails the build if p95 latency exceeds twice the new baseline."])
        summary = rng.choice([
            f"Adding {hot[1]} to {svc} cut p95 latency from {ms0} ms to {ms1} ms at {rps:,} requests per second and lowered CPU usage from {cpu0}% to {cpu1}%.",
            f"Profiling {svc} showed {share}% of time spent on {hot[0]}, and adding {hot[1]} reduced p95 latency from {ms0} ms to {ms1} ms."])
    else:
        s = [rng.choice([f"{svc} 的 p95 延迟升到 {ms0} 毫秒后，我们对其做了性能剖析。", f"{svc} 的 p95 延迟一度达到 {ms0} 毫秒，我们在生产负载下做了剖析。"]),
             f"约 {share}% 的请求时间消耗在{hot[2]} 上。",
             f"加入{hot[3]}后，在同样每秒 {rps} 次请求的负载下，p95 延迟降到 {ms1} 毫秒。",
             f"CPU 使用率从 {cpu0}% 降到 {cpu1}%。"]
        s += _pick_extras(rng, [f"该改动由功能开关控制，将于{DAYS_ZH[day]}前覆盖所有区域。", "48 小时灰度期间错误率没有变化。",
                                "新增的回归测试会在 p95 延迟超过新基线两倍时阻断构建。"])
        summary = rng.choice([
            f"{svc} 加入{hot[3]}后，在每秒 {rps} 次请求下 p95 延迟从 {ms0} 毫秒降到 {ms1} 毫秒，CPU 使用率从 {cpu0}% 降到 {cpu1}%。",
            f"剖析发现 {svc} 有 {share}% 的时间耗在{hot[2]} 上，加入{hot[3]}后 p95 延迟从 {ms0} 毫秒降至 {ms1} 毫秒。"])
    return s, summary


def tech_migration(rng: random.Random, lang: str):
    data_en, data_zh, old, new = rng.choice(MIGRATIONS)
    rows = rng.randint(3, 480)
    planned = rng.randint(5, 14)
    hours = planned - rng.randint(1, 4)
    ro, tables, pct = rng.randint(4, 45), rng.randint(12, 140), rng.randint(15, 60)
    month, mday = rng.randrange(12), rng.randint(1, 28)
    if lang == "en":
        date = f"{MONTHS_EN[month]} {mday}"
        s = [rng.choice([f"Over the weekend we migrated {rows} million rows of {data_en} from {old} to {new}.",
                         f"{rows} million rows of {data_en} were moved from {old} to {new} last weekend."]),
             f"The cut-over took {hours} hours against a plan of {planned}, with {ro} minutes of read-only time.",
             f"Checksums matched on all {tables} tables.",
             f"The old database stays available read-only until {date} and will then be shut down."]
        s += _pick_extras(rng, [f"Storage costs should drop by about {pct}% per month.",
                                "Two slow reports were rewritten to use the new window functions.",
                                "Application connection strings were switched through the config service, so no redeploy was needed."])
        summary = rng.choice([
            f"{rows} million rows of {data_en} moved from {old} to {new} in {hours} hours with {ro} minutes of read-only time, and the old database will be shut down after {date}.",
            f"The {data_en} migration to {new} finished in {hours} hours instead of the planned {planned}, with matching checksums on all {tables} tables."])
    else:
        date = f"{month + 1}月{mday}日"
        o, nw = OLD_ZH[old], OLD_ZH[new]
        rows_zh = f"{rows / 100:g} 亿" if rows >= 100 else f"{rows * 100} 万"
        s = [rng.choice([f"上周末我们把 {rows_zh}行{data_zh}从 {o} 迁移到了 {nw}。", f"{data_zh}共 {rows_zh}行，已于上周末从 {o} 迁至 {nw}。"]),
             f"切换耗时 {hours} 小时，计划为 {planned} 小时，其间只读时间 {ro} 分钟。",
             f"全部 {tables} 张表的校验和一致。",
             f"旧库将以只读方式保留到{date}，之后下线。"]
        s += _pick_extras(rng, [f"存储成本预计每月下降约 {pct}%。", "两张慢报表已改用新的窗口函数重写。", "应用连接串通过配置中心切换，无需重新发布。"])
        summary = rng.choice([
            f"{rows_zh}行{data_zh}在 {hours} 小时内从 {o} 迁移到 {nw}，只读 {ro} 分钟，旧库将在{date}后下线。",
            f"{data_zh}迁移到 {nw} 用时 {hours} 小时，比计划的 {planned} 小时更短，{tables} 张表校验全部一致。"])
    return s, summary


def tech_security(rng: random.Random, lang: str):
    lib = rng.choice(LIBS)
    name, v0, v1 = lib[0], lib[1], lib[2]
    svc, sev = rng.choice(SERVICES), rng.choice(SEVERITIES)
    sec_id, days, n = f"SEC-{rng.randint(100, 999)}", rng.choice([30, 60, 90]), rng.randint(2, 14)
    day, month, mday = rng.randrange(5), rng.randrange(12), rng.randint(1, 28)
    if lang == "en":
        s = [f"A dependency scan on {DAYS_EN[day]} flagged a {sev[0]}-severity issue ({sec_id}) in {name} {v0}, the {lib[3]} used by {svc}.",
             f"The flaw allows {lib[5]} when {lib[7]}.",
             f"We found no evidence of exploitation in the last {days} days of logs.",
             rng.choice([f"{name} has been upgraded to {v1} in all {n} affected services.", f"All {n} affected services now run {name} {v1}."])]
        s += _pick_extras(rng, [f"Teams must rebuild private images based on {name} {v0} by {MONTHS_EN[month]} {mday}.",
                                "The scanner now blocks merges that add a version with a known issue of high severity or above."])
        summary = rng.choice([
            f"A {sev[0]}-severity flaw in {name} {v0} that allowed {lib[6]} was patched by upgrading to {v1} in {n} services, with no sign of exploitation.",
            f"{sec_id}, a {sev[0]}-severity {lib[6]} issue in {name} {v0}, has been fixed in all {n} affected services by moving to {v1}."])
    else:
        s = [f"{DAYS_ZH[day]}的依赖扫描在 {name} {v0}（{svc} 使用的 {lib[4]}）中发现一个{sev[1]}问题（{sec_id}）。",
             f"在{lib[10]}时，该漏洞可被用于{lib[8]}。",
             f"排查最近 {days} 天的日志，未发现被利用的迹象。",
             rng.choice([f"所有 {n} 个受影响的服务都已把 {name} 升级到 {v1}。", f"{n} 个受影响服务现已全部使用 {name} {v1}。"])]
        s += _pick_extras(rng, [f"基于 {name} {v0} 的私有镜像须在{month + 1}月{mday}日前重新构建。", "扫描器今后会拦截引入高危及以上已知问题版本的合并请求。"])
        summary = rng.choice([
            f"{name} {v0} 中可导致{lib[9]}的{sev[1]}漏洞已通过在 {n} 个服务中升级到 {v1} 修复，未发现被利用。",
            f"{sec_id} 是 {name} {v0} 的{sev[1]}{lib[9]}问题，现已在全部 {n} 个受影响服务中升级到 {v1} 修复。"])
    return s, summary


TECH_KINDS = [("release_notes", tech_release), ("incident_report", tech_incident), ("test_results", tech_tests),
              ("design_decision", tech_design), ("performance", tech_performance), ("migration", tech_migration),
              ("security", tech_security)]


def _tech_example(rng: random.Random, lang: str, i: int) -> dict:
    kind, fn = TECH_KINDS[i % len(TECH_KINDS)]
    sentences, summary = fn(rng, lang)
    if lang == "en":
        note = " ".join(sentences)
    else:
        note, summary = tidy_zh("".join(sentences)), tidy_zh(summary)
    if lang == "en" or i % 5 == 0:
        # every fifth Chinese note comes with the English task instruction, as a
        # batch run renders it; the summary stays in the note's language.
        instruction = TECH_INSTRUCTION_EN
    else:
        instruction = TECH_INSTRUCTION_ZH
    return alpaca(instruction, note, summary, kind)


def build_tech() -> list[dict]:
    rng = rng_for("tech-summaries")
    rows = []
    for lang in ("en", "zh"):
        rows += fill_unique(lambda i: _tech_example(rng, lang, i), N_PER_LANGUAGE, key=lambda r: r["input"])
    rng.shuffle(rows)
    return rows


# ===========================================================================
# 4. Brand: product posters (Hugging Face imagefolder)
# ===========================================================================

PALETTE = {
    "red": (220, 38, 38), "orange": (247, 128, 20), "yellow": (250, 204, 21), "green": (34, 160, 70),
    "teal": (13, 148, 136), "blue": (37, 99, 235), "purple": (126, 58, 200), "pink": (236, 92, 160),
    "white": (248, 248, 248), "black": (24, 24, 27),
}
BACKGROUNDS = ["red", "orange", "yellow", "green", "teal", "blue", "purple", "pink"]
OBJECTS = ["bottle", "mug", "sneaker", "phone", "handbag", "lamp", "watch", "headphones"]
# object, band and sun colours that stay clearly visible on each background
CONTRAST = {
    "red": ["white", "black", "yellow", "blue"],
    "orange": ["white", "black", "blue"],
    "yellow": ["black", "red", "blue"],
    "green": ["white", "black", "yellow", "red"],
    "teal": ["white", "black", "yellow", "red"],
    "blue": ["white", "black", "yellow"],
    "purple": ["white", "black", "yellow"],
    "pink": ["white", "black", "blue"],
}


def _mix(c1, c2, t: float):
    return tuple(round(a + (b - a) * t) for a, b in zip(c1, c2))


def _detail(colour: str):
    """Second tone used for screens, soles, caps and faces of an object."""
    rgb = PALETTE[colour]
    if colour == "black":
        return (150, 150, 158)
    if colour == "white":
        return (70, 70, 78)
    return _mix(rgb, (0, 0, 0), 0.55)


def _draw_object(draw: ImageDraw.ImageDraw, kind: str, box, body, detail) -> None:
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0

    def P(u, v):
        return (x0 + u * w, y0 + v * h)

    def R(u0, v0, u1, v1):
        return [*P(u0, v0), *P(u1, v1)]

    def L(v):
        return max(1, round(v * w))

    if kind == "bottle":
        draw.rectangle(R(0.42, 0.14, 0.58, 0.30), fill=body)
        draw.polygon([P(0.42, 0.28), P(0.58, 0.28), P(0.70, 0.42), P(0.30, 0.42)], fill=body)
        draw.rounded_rectangle(R(0.30, 0.40, 0.70, 0.96), radius=L(0.07), fill=body)
        draw.rounded_rectangle(R(0.39, 0.04, 0.61, 0.16), radius=L(0.02), fill=detail)
        draw.rectangle(R(0.30, 0.58, 0.70, 0.76), fill=detail)
    elif kind == "mug":
        draw.ellipse(R(0.52, 0.36, 0.90, 0.76), outline=body, width=L(0.09))
        draw.rounded_rectangle(R(0.12, 0.24, 0.68, 0.90), radius=L(0.07), fill=body)
        draw.rectangle(R(0.12, 0.24, 0.68, 0.31), fill=detail)
    elif kind == "sneaker":
        dv = -0.08
        draw.polygon([P(0.06, 0.72 + dv), P(0.08, 0.34 + dv), P(0.26, 0.30 + dv), P(0.36, 0.44 + dv),
                      P(0.54, 0.50 + dv), P(0.80, 0.56 + dv), P(0.94, 0.64 + dv), P(0.96, 0.72 + dv)], fill=body)
        draw.rounded_rectangle(R(0.03, 0.68 + dv, 0.97, 0.84 + dv), radius=L(0.05), fill=detail)
        for u in (0.40, 0.49, 0.58):
            draw.line([P(u, 0.44 + dv + (u - 0.40) * 0.35), P(u + 0.05, 0.54 + dv + (u - 0.40) * 0.35)],
                      fill=detail, width=L(0.035))
    elif kind == "phone":
        draw.rounded_rectangle(R(0.28, 0.04, 0.72, 0.96), radius=L(0.08), fill=body)
        draw.rounded_rectangle(R(0.33, 0.12, 0.67, 0.86), radius=L(0.02), fill=detail)
        draw.ellipse(R(0.47, 0.885, 0.53, 0.935), fill=detail)
    elif kind == "handbag":
        draw.arc(R(0.30, 0.10, 0.70, 0.62), start=180, end=360, fill=body, width=L(0.07))
        draw.polygon([P(0.24, 0.36), P(0.76, 0.36), P(0.90, 0.92), P(0.10, 0.92)], fill=body)
        draw.rectangle(R(0.20, 0.36, 0.80, 0.42), fill=detail)
        draw.rounded_rectangle(R(0.43, 0.44, 0.57, 0.56), radius=L(0.02), fill=detail)
    elif kind == "lamp":
        draw.polygon([P(0.33, 0.06), P(0.67, 0.06), P(0.84, 0.44), P(0.16, 0.44)], fill=body)
        draw.rectangle(R(0.45, 0.44, 0.55, 0.84), fill=detail)
        draw.rounded_rectangle(R(0.24, 0.82, 0.76, 0.95), radius=L(0.05), fill=body)
    elif kind == "watch":
        draw.rounded_rectangle(R(0.37, 0.00, 0.63, 1.00), radius=L(0.05), fill=body)
        draw.rectangle(R(0.76, 0.45, 0.84, 0.55), fill=body)
        draw.ellipse(R(0.20, 0.20, 0.80, 0.80), fill=body)
        draw.ellipse(R(0.28, 0.28, 0.72, 0.72), fill=detail)
        draw.line([P(0.50, 0.50), P(0.50, 0.34)], fill=body, width=L(0.045))
        draw.line([P(0.50, 0.50), P(0.63, 0.50)], fill=body, width=L(0.045))
    elif kind == "headphones":
        draw.arc(R(0.17, 0.08, 0.83, 0.90), start=180, end=360, fill=body, width=L(0.10))
        draw.rounded_rectangle(R(0.08, 0.44, 0.31, 0.86), radius=L(0.07), fill=body)
        draw.rounded_rectangle(R(0.69, 0.44, 0.92, 0.86), radius=L(0.07), fill=body)
        draw.rounded_rectangle(R(0.27, 0.52, 0.35, 0.78), radius=L(0.03), fill=detail)
        draw.rounded_rectangle(R(0.65, 0.52, 0.73, 0.78), radius=L(0.03), fill=detail)
    else:  # pragma: no cover
        raise ValueError(kind)


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"


def poster_specs() -> list[dict]:
    """8 objects x 8 backgrounds x 2 variants, attributes drawn per image."""
    rng = rng_for("posters")
    specs, captions = [], set()
    for variant in range(2):
        for bg in BACKGROUNDS:
            for obj in OBJECTS:
                while True:  # redraw until the caption (and so the image) is new
                    colour = rng.choice(CONTRAST[bg])
                    band = rng.choices(["none", "bottom", "top"], weights=[4, 4, 3])[0]
                    band_colour = rng.choice([c for c in CONTRAST[bg] if c != colour]) if band != "none" else None
                    suns = [c for c in ("yellow", "white") if c in CONTRAST[bg] and c not in (colour, band_colour)]
                    sun = band != "top" and bool(suns) and rng.random() < 0.4
                    spec = {
                        "object": obj, "colour": colour, "background": bg,
                        "gradient": rng.random() < 0.3, "band": band, "band_colour": band_colour,
                        "sun": suns[0] if sun else None, "sun_corner": rng.choice(["left", "right"]) if sun else None,
                    }
                    if poster_caption(spec) not in captions:
                        break
                captions.add(poster_caption(spec))
                specs.append(spec)
    rng.shuffle(specs)
    return specs


def poster_caption(spec: dict) -> str:
    obj = spec["object"]
    thing = f"a pair of {spec['colour']} headphones" if obj == "headphones" else f"a {spec['colour']} {obj}"
    bg = spec["background"] + (" gradient" if spec["gradient"] else "")
    parts = [f"product poster, {thing} on {_article(bg)} {bg} background"]
    if spec["band"] != "none":
        parts.append(f"{spec['band_colour']} band at the {spec['band']}")
    if spec["sun"]:
        parts.append(f"{spec['sun']} sun in the top {spec['sun_corner']} corner")
    return ", ".join(parts)


def render_poster(spec: dict) -> Image.Image:
    s = POSTER_SIZE * SUPERSAMPLE
    k = SUPERSAMPLE
    base = PALETTE[spec["background"]]
    img = Image.new("RGB", (s, s), base)
    draw = ImageDraw.Draw(img)
    if spec["gradient"]:
        top, bottom = _mix(base, (255, 255, 255), 0.30), _mix(base, (0, 0, 0), 0.30)
        for y in range(s):
            draw.line([(0, y), (s, y)], fill=_mix(top, bottom, y / (s - 1)))
    band_h = 22 * k
    if spec["band"] == "top":
        draw.rectangle([0, 0, s, band_h], fill=PALETTE[spec["band_colour"]])
        box = (18 * k, 28 * k, 110 * k, 120 * k)
    elif spec["band"] == "bottom":
        draw.rectangle([0, s - band_h, s, s], fill=PALETTE[spec["band_colour"]])
        box = (18 * k, 10 * k, 110 * k, 102 * k)
    else:
        box = (14 * k, 14 * k, 114 * k, 114 * k)
    if spec["sun"]:
        cx = 20 * k if spec["sun_corner"] == "left" else (POSTER_SIZE - 20) * k
        r = 13 * k
        draw.ellipse([cx - r, 20 * k - r, cx + r, 20 * k + r], fill=PALETTE[spec["sun"]])
    _draw_object(draw, spec["object"], box, PALETTE[spec["colour"]], _detail(spec["colour"]))
    return img.resize((POSTER_SIZE, POSTER_SIZE), Image.Resampling.LANCZOS)


def build_posters(specs: list[dict]) -> list[dict]:
    POSTERS.mkdir(parents=True, exist_ok=True)
    for old in sorted(POSTERS.glob("poster_*.png")):
        old.unlink()
    meta = []
    for i, spec in enumerate(specs):
        name = f"poster_{i:03d}.png"
        render_poster(spec).save(POSTERS / name, format="PNG", optimize=True)
        meta.append({"file_name": name, "text": poster_caption(spec)})
    write_jsonl(POSTERS / "metadata.jsonl", meta)
    return meta


# ===========================================================================
# 4b. Decisions: ticket intent (Customer Service) and review sentiment (Marketing)
# ===========================================================================
# Classification datasets: the rendered task prompt as the instruction, the label
# as the output (and the label annotation), and a fixed split per example so the
# test split is there from the start: per label and language, 70 % train, 10 %
# validation, 20 % test.

TICKET_INSTRUCTION = "Classify the intent of this customer ticket."
TICKET_INTENTS = [  # label, description, support request types whose customer messages it covers
    ("delivery", "where an order is, or why it is late", ["order_delay"]),
    ("refund", "money back or an exchange for something bought", ["refund", "exchange"]),
    ("billing", "invoices, VAT details and payment errors", ["invoice", "double_charge"]),
    ("account", "logging in, passwords and account access", ["password_reset", "account_access"]),
    ("order_change", "changing the address of an order, or cancelling it", ["address_change", "cancel_order"]),
    ("product_issue", "a faulty, damaged or wrong item", ["warranty", "damaged_item", "wrong_item"]),
]
N_TICKETS_PER_INTENT = 20       # per language: 6 intents x 20 x 2 languages = 240
SENTIMENT_INSTRUCTION = "What is the sentiment of this product review?"
SENTIMENTS = [
    ("positive", "the customer is pleased and would recommend the product"),
    ("neutral", "factual or lukewarm: neither pleased nor unhappy"),
    ("negative", "the customer is unhappy with the product or the purchase"),
]
N_REVIEWS_PER_SENTIMENT = 20    # per language: 3 x 20 x 2 languages = 120
REVIEW_PRODUCTS_EN = ["travel mug", "pair of running shoes", "desk lamp", "pair of wireless earbuds", "backpack",
                      "phone case", "blender", "yoga mat", "kettle", "office chair"]
REVIEW_PRODUCTS_ZH = ["随行杯", "跑鞋", "台灯", "无线耳机", "双肩包", "手机壳", "破壁机", "瑜伽垫", "电水壶", "办公椅"]
REVIEW_LEADS_EN = ["", "", "Bought this {p} for my sister. ", "Second {p} from this shop. ", "Used the {p} for two weeks. ",
                   "Ordered the {p} on a Monday. ", "Got the {p} as a gift. "]
REVIEW_LEADS_ZH = ["", "", "给妹妹买的{p}。", "第二次在这家店买{p}了。", "{p}用了两周。", "周一下单的{p}。", "朋友送的{p}。"]
REVIEW_BODIES_EN = {
    "positive": ["The {p} works perfectly.", "The {p} exceeded my expectations.", "This {p} is worth every penny.",
                 "It arrived quickly and the {p} looks great.", "Best purchase I've made this year.",
                 "The {p} feels solid and well made.", "I use the {p} every day and love it.",
                 "My whole family loves this {p}.", "Really happy with the {p}, highly recommend it."],
    "neutral": ["The {p} does what it says, nothing more.", "The {p} is okay for the price.",
                "It arrived on time; too early to say how the {p} holds up.", "The {p} looks as pictured.",
                "The {p} works as described.", "An average {p}, similar to my old one.",
                "The {p} is fine. The box was a bit bigger than needed.", "Delivery took four days, as stated."],
    "negative": ["The {p} stopped working after a week.", "The {p} broke on the second day.",
                 "The {p} is much smaller than described.", "The {p} feels cheap and flimsy.",
                 "This {p} was a waste of money.", "The {p} arrived scratched and nobody answered my emails.",
                 "I would not buy this {p} again.", "Really disappointed with the {p}, it keeps failing."],
}
REVIEW_BODIES_ZH = {
    "positive": ["{p}非常好用。", "{p}超出预期。", "这个{p}物有所值。", "发货很快，{p}颜值很高。", "今年买得最值的东西。",
                 "{p}做工扎实。", "{p}每天都在用，很喜欢。", "全家人都喜欢这个{p}。", "对{p}很满意，推荐购买。"],
    "neutral": ["{p}中规中矩，没什么特别。", "{p}这个价格还行。", "按时到货，{p}耐不耐用还不好说。", "{p}和图片一样。",
                "{p}和描述一致。", "{p}一般，和以前那个差不多。", "{p}还可以，包装盒有点大。", "四天到货，和说的一样。"],
    "negative": ["{p}用了一周就坏了。", "{p}第二天就坏了。", "{p}比描述的小很多。", "{p}做工粗糙，很廉价。",
                 "这个{p}完全是浪费钱。", "{p}到货有划痕，客服也不回复。", "不会再买这个{p}了。", "对{p}很失望，老是出问题。"],
}


def _assign_splits(rows: list[dict], per_group: int) -> None:
    """Per label and language (rows arrive grouped so), 70 % train, 10 % val, 20 % test."""
    n_val, n_test = round(per_group * 0.1), round(per_group * 0.2)
    for index, row in enumerate(rows):
        position = index % per_group
        row["split"] = "test" if position < n_test else "val" if position < n_test + n_val else "train"


def build_ticket_intent() -> list[dict]:
    rng = rng_for("ticket-intent")
    rows, seen = [], set()
    for lang in ("en", "zh"):
        for label, _, kinds in TICKET_INTENTS:
            group = []
            while len(group) < N_TICKETS_PER_INTENT:
                message = _support_example(rng, lang, rng.choice(kinds))["instruction"]
                if message in seen:
                    continue
                seen.add(message)
                group.append({"instruction": f"{TICKET_INSTRUCTION}\n\n{message}", "input": "", "output": label,
                              "label": label})
            rows += group
    _assign_splits(rows, N_TICKETS_PER_INTENT)
    rng.shuffle(rows)
    return rows


def _review(rng: random.Random, lang: str, label: str) -> str:
    if lang == "en":
        product = rng.choice(REVIEW_PRODUCTS_EN)
        lead = rng.choice(REVIEW_LEADS_EN).format(p=product)
        body = rng.choice(REVIEW_BODIES_EN[label]).format(p=product)
        return (lead + body).strip()
    product = rng.choice(REVIEW_PRODUCTS_ZH)
    return (rng.choice(REVIEW_LEADS_ZH).format(p=product) + rng.choice(REVIEW_BODIES_ZH[label]).format(p=product))


def build_review_sentiment() -> list[dict]:
    rng = rng_for("review-sentiment")
    rows, seen = [], set()
    for lang in ("en", "zh"):
        for label, _ in SENTIMENTS:
            group = []
            while len(group) < N_REVIEWS_PER_SENTIMENT:
                review = _review(rng, lang, label)
                if review in seen:
                    continue
                seen.add(review)
                group.append({"instruction": f"{SENTIMENT_INSTRUCTION}\n\n{review}", "input": "", "output": label,
                              "label": label})
            rows += group
    _assign_splits(rows, N_REVIEWS_PER_SENTIMENT)
    rng.shuffle(rows)
    return rows


def check_decisions(tickets: list[dict], reviews: list[dict]) -> None:
    for rows, labels, per in ((tickets, [t[0] for t in TICKET_INTENTS], N_TICKETS_PER_INTENT),
                              (reviews, [s[0] for s in SENTIMENTS], N_REVIEWS_PER_SENTIMENT)):
        assert len(rows) == 2 * len(labels) * per
        assert len({r["instruction"] for r in rows}) == len(rows)
        for label in labels:
            mine = [r for r in rows if r["output"] == label]
            assert len(mine) == 2 * per and sum(_has_cjk(r["instruction"]) for r in mine) == per, label
            assert sum(r["split"] == "test" for r in mine) == 2 * round(per * 0.2), label
        for r in rows:
            assert list(r) == ["instruction", "input", "output", "label", "split"], r
            assert r["output"] in labels and r["label"] == r["output"] and "{" not in r["instruction"], r
            for term in BANNED:
                assert term.lower() not in r["instruction"].lower(), r


# ===========================================================================
# 5. Batch-run inputs (hand-written, not in the training sets)
# ===========================================================================

INPUT_AD_COPY = [
    ["the Aurora insulated water bottle", "busy commuters", "playful"],
    ["Echo Pro noise-cancelling headphones", "remote workers", "confident"],
    ["Halo wireless earbuds", "gym-goers", "bold"],
    ["the Sable cast-iron skillet", "home cooks", "warm"],
    ["Juniper linen bedsheets", "new parents", "calm"],
    ["the TaskPilot team planner app", "office managers", "friendly"],
    ["the Nova X5 smartphone", "frequent travellers", "urgent"],
    ["青岚陶瓷随行杯", "大学生", "温暖"],
    ["疾风2代跑鞋", "健身新手", "活泼"],
    ["云朵轻便婴儿推车", "新手爸妈", "亲切"],
    ["晨岭冷萃咖啡", "上班族", "幽默"],
    ["墨石铸铁煎锅", "厨房达人", "高端"],
]
INPUT_SUPPORT = [
    ["Hi, my order #582913 was due last Friday and the tracking hasn't moved since Monday. Can you check what's going on? Thanks, Alex"],
    ["I returned the Brava kettle two weeks ago and still haven't seen the refund of $39.90 on my card."],
    ["The password reset email never arrives. My account email is jordan.k@example.com."],
    ["Could you reissue the invoice for order #730145 to Westbrook Dental Ltd? Our finance team needs the company name on it."],
    ["My Echo Pro headphones are 10 months old and the right ear cup crackles at any volume. Is that covered by the warranty?"],
    ["I need to change the delivery address for order #449020 to 27 Harbour Road, Bristol. I haven't had a shipping email yet."],
    ["你好，我的订单240612883105已经一周没更新物流了，能帮我查一下吗？"],
    ["我想申请退款，买的星河X5手机还没拆封，订单号240530117742。"],
    ["请帮我开一张增值税专用发票，抬头是杭州云启科技有限公司，订单号240601559820。"],
    ["收到的青岚陶瓷随行杯杯口缺了一块，能换一个新的吗？"],
]
INPUT_TICKETS = [
    ["Hi, parcel for order #610442 still says 'label created' after six days. When will it actually ship?"],
    ["I was charged twice for order #318870, $64.00 both times. Please refund the duplicate."],
    ["Can't log in since this morning, it says my account is locked. My email is priya.n@example.com."],
    ["Please cancel order #902311, I ordered the wrong size by mistake."],
    ["The blender I got yesterday has a cracked jug. Order #557019."],
    ["I'd like to return the headphones from order #448120 and get my money back."],
    ["你好，订单240701334512的发票抬头开错了，能重新开一张吗？"],
    ["我的快递显示已签收，但我根本没收到，订单号240622870031。"],
    ["收到的颜色和我下单的不一样，我要的是藏青色。"],
    ["登录时一直提示验证码错误，换了手机也不行。"],
]
INPUT_REVIEWS = [
    ["The travel mug keeps my coffee hot all morning. Love it."],
    ["The lamp is fine, nothing special."],
    ["Zipper on the backpack broke within a month."],
    ["Arrived on Thursday as promised; haven't used the kettle much yet."],
    ["这双跑鞋穿着很舒服，推荐！"],
    ["耳机音质一般，和价格差不多。"],
    ["椅子坐了三天就开始响，很失望。"],
    ["Exactly what I needed for yoga class, great grip."],
]
INPUT_TECH = [
    ["Version 3.8.0 of the Beacon dashboard shipped on Tuesday. It adds saved filter presets that can be shared with a link. "
     "Twenty-two bugs were fixed, including a crash when exporting charts with more than 10,000 points. "
     "Page load time on the overview screen fell from 2.4 s to 1.1 s."],
    ["On Saturday at 02:10 UTC, the payment webhook consumer stopped processing events for 47 minutes. "
     "A deploy had rotated the queue credentials, but the consumer kept using cached ones. "
     "Roughly 3,800 webhook events were delayed, and all of them were replayed successfully by 03:05 UTC. "
     "Credential rotation now triggers a rolling restart of all consumers."],
    ["The load test of sync-api at 5,000 concurrent devices finished with a p95 latency of 310 ms and an error rate of 0.04%. "
     "The previous release reached 620 ms at the same load. The improvement comes from batching delta writes into 50 ms windows. "
     "Memory per pod stayed below 1.2 GB throughout the two-hour run. We consider the service ready for the March onboarding wave."],
    ["We compared SQLite and an embedded key-value store for the desktop client's local cache. "
     "SQLite handled 18,000 reads per second with 4 MB of memory overhead, versus 25,000 reads per second and 40 MB for the key-value store. "
     "Because most users run the client on 8 GB laptops and SQLite already ships with the app, we are keeping SQLite. "
     "The cache schema will gain a version table so that future migrations run automatically."],
    ["The monthly dependency audit found 14 outdated packages in the export-worker image. "
     "Three of them had known medium-severity issues, all in transitive dependencies of the PDF renderer. "
     "All three were upgraded and the image was rebuilt on the 12th. "
     "The image shrank from 612 MB to 498 MB after unused fonts were removed."],
    ["本周二 14:05 起，inventory-service 的库存同步任务连续失败 35 分钟。原因是上游仓储系统把接口超时从 30 秒改成了 10 秒，"
     "而大批量同步请求平均耗时 14 秒。我们把同步批次从 5000 条拆成 1000 条后恢复正常。期间约 2% 的商品库存显示延迟，没有产生超卖订单。"],
    ["Atlas SDK 5.2 版本已发布。新版本支持断点续传，弱网环境下上传 1 GB 文件的成功率从 82% 提升到 99.3%。"
     "此外修复了 9 个问题，其中包括 iOS 17 上偶发的崩溃。最低支持的 Android 版本提升到 8.0。"],
    ["我们对 report-builder 的月度报表导出做了性能测试。导出 50 万行数据的耗时从 96 秒降到 21 秒，主要得益于改用流式写入 Excel。"
     "峰值内存从 3.1 GB 降到 420 MB。该优化将在下个版本默认开启。"],
]
POSTER_AUDIENCES = ["remote workers", "weekend runners", "college students", "frequent travellers",
                    "young professionals", "gym-goers"]


def input_posters(specs: list[dict]) -> list[list[str]]:
    """Six rows whose rendered image prompt is exactly the caption of a plain poster
    (no gradient, band or sun) in the dataset, one per object.  Orange ("an orange")
    and headphones ("a pair of") are skipped because the task template says "a {product}
    on a {colour} background"."""
    rows, used = [], set()
    for spec in specs:
        if (spec["gradient"] or spec["band"] != "none" or spec["sun"] or spec["background"] == "orange"
                or spec["object"] == "headphones" or spec["object"] in used):
            continue
        used.add(spec["object"])
        rows.append([f"{spec['colour']} {spec['object']}", spec["background"], POSTER_AUDIENCES[len(rows)]])
        if len(rows) == len(POSTER_AUDIENCES):
            return rows
    raise RuntimeError("not enough plain posters for inputs/posters.csv")


def build_inputs(specs: list[dict]) -> None:
    write_csv(INPUTS / "ad-copy.csv", ["product", "audience", "tone"], INPUT_AD_COPY)
    write_csv(INPUTS / "support.csv", ["message"], INPUT_SUPPORT)
    write_csv(INPUTS / "tech-notes.csv", ["note"], INPUT_TECH)
    write_csv(INPUTS / "tickets.csv", ["message"], INPUT_TICKETS)
    write_csv(INPUTS / "reviews.csv", ["review"], INPUT_REVIEWS)
    write_csv(INPUTS / "feedback.csv", ["feedback"], feedback_topics.INPUTS)
    write_csv(INPUTS / "posters.csv", ["product", "colour", "audience"], input_posters(specs))


# ===========================================================================
# 6. Task definitions
# ===========================================================================

def build_tasks() -> list[dict]:
    no_limits = {"min_chars": None, "max_chars": None, "required_terms": [], "banned_terms": list(BANNED),
                 "regex": None, "language": None}
    return [
        {
            "name": "ad-copy", "title": "Ad copy", "title_zh": "广告文案", "department": "Marketing", "modality": "text",
            "system_prompt": "You are a copywriter in the marketing department. Write exactly one ad line in the language "
                             "of the product name: at most 60 characters in English or 30 characters in Chinese. "
                             "No hashtags, no emojis, and never mention competitors.",
            "template": AD_TEMPLATE_EN,
            "constraints": {"min_chars": 8, "max_chars": 60, "required_terms": [], "banned_terms": list(BANNED),
                            "regex": None, "language": None},
            "dataset": "ad-copy", "model": "starter-text", "adapter": None,
            "generation": {"max_new_tokens": 48, "temperature": 0.8, "top_p": 0.9, "seed": 0},
            "inputs": "inputs/ad-copy.csv", "steps": [],
        },
        {
            "name": "support-replies", "title": "Support replies", "title_zh": "客服回复", "department": "Customer Service",
            "modality": "text",
            "system_prompt": "You are a customer support agent. Reply politely and concretely in the customer's language: "
                             "acknowledge the problem, say what has been done and what happens next, with timelines, and "
                             f"sign off with \"{SIGN_EN}\" in English or \"{SIGN_ZH}\" in Chinese.",
            "template": "{message}",
            "constraints": {"min_chars": 40, "max_chars": 900, "required_terms": [], "banned_terms": list(BANNED),
                            "regex": "(?s).*(— Support Team|—— 客服团队)\\s*$", "language": None},
            "dataset": "support-replies", "model": "starter-text", "adapter": None,
            "generation": {"max_new_tokens": 192, "temperature": 0.7, "top_p": 0.9, "seed": 0},
            "inputs": "inputs/support.csv", "steps": [],
        },
        {
            "name": "tech-summaries", "title": "Technical summaries", "title_zh": "技术摘要", "department": "R&D",
            "modality": "text",
            "system_prompt": "You are an editor in the R&D department. Summarise the technical note in one sentence, in "
                             "the note's language, keeping the key numbers and adding nothing that is not in the note.",
            "template": TECH_INSTRUCTION_EN + "\n\n{note}",
            "constraints": {"min_chars": 20, "max_chars": 300, "required_terms": [], "banned_terms": [],
                            "regex": None, "language": None},
            "dataset": "tech-summaries", "model": "starter-text", "adapter": None,
            "generation": {"max_new_tokens": 96, "temperature": 0.3, "top_p": 0.9, "seed": 0},
            "inputs": "inputs/tech-notes.csv", "steps": [],
        },
        {
            "name": "product-poster", "title": "Product poster", "title_zh": "产品海报", "department": "Brand",
            "modality": "image",
            "system_prompt": "You produce product posters for the brand team: a short ad line, then an image prompt, "
                             "then the poster image.",
            "template": "product poster, a {product} on a {colour} background",
            "constraints": no_limits,
            "dataset": "posters", "model": "starter-image", "adapter": None,
            "generation": {"max_new_tokens": 32, "temperature": 0.8, "top_p": 0.9, "seed": 0},
            "inputs": "inputs/posters.csv",
            "steps": [
                {"name": "copy", "modality": "text", "model": "starter-text", "adapter": None,
                 "template": "Write a one-line ad (max 60 characters) for {product} aimed at {audience}, tone: bold.",
                 "params": {"max_new_tokens": 32}},
                {"name": "image_prompt", "modality": "text", "model": None, "adapter": None,
                 "template": "product poster, a {product} on a {colour} background", "params": {}},
                {"name": "poster", "modality": "image", "model": "starter-image", "adapter": None,
                 "template": "{steps.image_prompt.output}",
                 "params": {"steps": 20, "width": 64, "height": 64, "guidance_scale": 4.0}},
            ],
        },
        {
            "name": "ticket-intent", "title": "Ticket intent", "title_zh": "工单意图", "department": "Customer Service",
            "modality": "text", "system_prompt": "",
            "template": TICKET_INSTRUCTION + "\n\n{message}",
            "constraints": {"min_chars": None, "max_chars": None, "required_terms": [], "banned_terms": [],
                            "regex": None, "language": None},
            "dataset": "ticket-intent", "model": "starter-text", "adapter": None,
            "generation": {"max_new_tokens": 8, "temperature": 0.0, "top_p": 1.0, "seed": 0},
            "inputs": "inputs/tickets.csv", "steps": [],
            "classify": {"labels": [{"name": n, "description": d} for n, d, _ in TICKET_INTENTS],
                         "multi_label": False, "method": "generative"},
            "alerts": {"min_confidence": 0.5, "min_accuracy": 50},
        },
        {
            "name": "review-sentiment", "title": "Review sentiment", "title_zh": "评论情感", "department": "Marketing",
            "modality": "text", "system_prompt": "",
            "template": SENTIMENT_INSTRUCTION + "\n\n{review}",
            "constraints": {"min_chars": None, "max_chars": None, "required_terms": [], "banned_terms": [],
                            "regex": None, "language": None},
            "dataset": "review-sentiment", "model": "starter-text", "adapter": None,
            "generation": {"max_new_tokens": 8, "temperature": 0.0, "top_p": 1.0, "seed": 0},
            "inputs": "inputs/reviews.csv", "steps": [],
            "classify": {"labels": [{"name": n, "description": d} for n, d in SENTIMENTS],
                         "multi_label": False, "method": "generative"},
            "alerts": {"min_confidence": 0.5},
        },
        feedback_topics.task(),
    ]


# ===========================================================================
# 7. ORIGIN.md, self-checks, main
# ===========================================================================

def _has_cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def check(ad: list[dict], support: list[dict], tech: list[dict], posters: list[dict], tasks: list[dict]) -> None:
    for name, rows in (("ad-copy", ad), ("support-replies", support), ("tech-summaries", tech)):
        assert len(rows) == 2 * N_PER_LANGUAGE, name
        zh = sum(_has_cjk(r["output"]) for r in rows)
        assert zh == N_PER_LANGUAGE, (name, zh)
        for r in rows:
            assert list(r) == ["instruction", "input", "output", "label"], name
            assert r["instruction"].strip() and r["output"].strip() and r["label"].strip(), (name, r)
            for term in BANNED:
                assert term.lower() not in json.dumps(r, ensure_ascii=False).lower(), (name, r)
            assert "{" not in r["output"] and "{" not in r["input"] and "{" not in r["instruction"], (name, r)
    for r in ad:
        assert len(r["output"]) <= (30 if _has_cjk(r["output"]) else 60), r
        assert len(r["output"]) >= 8, r
        assert r["input"] == ""
    for r in support:
        assert r["output"].endswith(SIGN_ZH if _has_cjk(r["instruction"]) else SIGN_EN), r
        assert re.fullmatch(tasks[1]["constraints"]["regex"], r["output"]), r
        assert r["input"] == ""
    for r in tech:
        assert r["input"].strip(), r
        assert _has_cjk(r["input"]) == _has_cjk(r["output"]), r
        n = len(re.findall(r"[.。](?:\s|$)", r["input"] + " ")) if not _has_cjk(r["input"]) else r["input"].count("。")
        assert 3 <= n <= 6, (n, r["input"])
        assert len(r["output"]) <= 300, r

    assert len(posters) == N_POSTERS and len({m["text"] for m in posters}) == N_POSTERS
    caption_re = re.compile(r"product poster, (?:a|a pair of) (\w+) (\w+) on an? (\w+)(?: gradient)? background"
                            r"(?:, (\w+) band at the (?:top|bottom))?(?:, (\w+) sun in the top (?:left|right) corner)?")
    seen_objects, seen_backgrounds = {}, {}
    for m in posters:
        match = caption_re.fullmatch(m["text"])
        assert match, m
        colour, obj, bg, band, sun = match.groups()
        assert obj in OBJECTS and bg in BACKGROUNDS and colour in CONTRAST[bg], m
        assert band is None or (band in CONTRAST[bg] and band != colour), m
        assert sun is None or (sun in ("yellow", "white") and sun in CONTRAST[bg] and sun not in (colour, band)), m
        seen_objects[obj] = seen_objects.get(obj, 0) + 1
        seen_backgrounds[bg] = seen_backgrounds.get(bg, 0) + 1
    assert sorted(seen_objects) == sorted(OBJECTS) and min(seen_objects.values()) >= 8, seen_objects
    assert sorted(seen_backgrounds) == sorted(BACKGROUNDS) and min(seen_backgrounds.values()) >= 8, seen_backgrounds

    columns = {"inputs/ad-copy.csv": {"product", "audience", "tone"}, "inputs/support.csv": {"message"},
               "inputs/tech-notes.csv": {"note"}, "inputs/posters.csv": {"product", "colour", "audience"},
               "inputs/tickets.csv": {"message"}, "inputs/reviews.csv": {"review"},
               "inputs/feedback.csv": {"feedback"}}
    fmt = string.Formatter()
    for task in tasks:
        cols = columns[task["inputs"]]
        templates = [task["template"]] + [s["template"] for s in task["steps"]]
        for t in templates:
            for _, field, _, _ in fmt.parse(t):
                if field is not None and not field.startswith("steps."):
                    assert field in cols, (task["name"], field)


def origin_md(counts: dict) -> str:
    gen = f"generated by `resources/samples/generate.py`, seed {SEED}, written for this product"
    lines = [
        "# Origin of the built-in sample content",
        "",
        "Everything in `resources/samples/` except `generate.py` itself is written by",
        "`generate.py` (standard library + Pillow, no network, no external data). To",
        "regenerate it byte-identically, run from the repository root:",
        "",
        "    python resources/samples/generate.py",
        "",
        f"All random choices come from `random.Random(\"{SEED}:<artefact>\")`. Byte-identical",
        "PNG output assumes the same Pillow and zlib build; all other files depend only on Python.",
        "",
        "All product names, brand names, companies, people, order numbers, addresses, e-mail",
        "addresses (on the reserved `example.com` domain), services, libraries, versions and",
        "incidents are **fictional** and were invented for these samples. Any resemblance to real",
        "products or companies is coincidental. The competitor brand \"MegaMart\" / \"超级商城\" that",
        "the ad-copy task bans is fictional too, and never occurs in the data.",
        "",
        "Licence of the sample data: **CC0-1.0** (public domain dedication,",
        "https://creativecommons.org/publicdomain/zero/1.0/). The generator script is part of the",
        "application source and is licensed with it (Apache-2.0).",
        "",
        "| File | Contents | Origin | Licence |",
        "|---|---|---|---|",
        "| `generate.py` | the generator | written for this product | Apache-2.0 (application source) |",
        f"| `tasks.json` | {counts['tasks']} task definitions (ad-copy, support-replies, tech-summaries, product-poster, ticket-intent, review-sentiment, feedback-topics) | {gen} | CC0-1.0 |",
        f"| `datasets/ad-copy.jsonl` | {counts['ad']} Alpaca examples (instruction, input, output, label = product category), half English, half Simplified Chinese | {gen} | CC0-1.0 |",
        f"| `datasets/support-replies.jsonl` | {counts['support']} Alpaca examples (customer message, reply, label = request type), half English, half Simplified Chinese | {gen} | CC0-1.0 |",
        f"| `datasets/tech-summaries.jsonl` | {counts['tech']} Alpaca examples (instruction, technical note, one-sentence summary, label = note type), half English, half Simplified Chinese | {gen} | CC0-1.0 |",
        f"| `datasets/ticket-intent.jsonl` | {counts['tickets']} classification examples (ticket prompt, intent label out of {len(TICKET_INTENTS)}, fixed train/val/test split), half English, half Simplified Chinese | {gen} | CC0-1.0 |",
        f"| `datasets/review-sentiment.jsonl` | {counts['reviews']} classification examples (review prompt, sentiment label out of {len(SENTIMENTS)}, fixed train/val/test split), half English, half Simplified Chinese | {gen} | CC0-1.0 |",
        f"| `datasets/feedback-topics.jsonl` | {counts['feedback']} multi-label classification examples (feedback prompt, the product lines it mentions out of {len(feedback_topics.LINES)}, fixed train/val/test split), half English, half Simplified Chinese | {gen} | CC0-1.0 |",
        f"| `datasets/posters/metadata.jsonl` | {counts['posters']} captions (`file_name`, `text`), Hugging Face imagefolder layout | {gen} | CC0-1.0 |",
        f"| `datasets/posters/poster_000.png` … `poster_{counts['posters'] - 1:03d}.png` | {counts['posters']} product posters, 128×128 RGB PNG, drawn with Pillow from simple shapes | {gen} | CC0-1.0 |",
        f"| `inputs/ad-copy.csv` | {len(INPUT_AD_COPY)} rows: product, audience, tone (English and Chinese) | {gen} (rows hand-written in the script) | CC0-1.0 |",
        f"| `inputs/support.csv` | {len(INPUT_SUPPORT)} rows: message (English and Chinese) | {gen} (rows hand-written in the script) | CC0-1.0 |",
        f"| `inputs/tech-notes.csv` | {len(INPUT_TECH)} rows: note (English and Chinese) | {gen} (rows hand-written in the script) | CC0-1.0 |",
        f"| `inputs/tickets.csv` | {len(INPUT_TICKETS)} rows: message (English and Chinese) | {gen} (rows hand-written in the script) | CC0-1.0 |",
        f"| `inputs/reviews.csv` | {len(INPUT_REVIEWS)} rows: review (English and Chinese) | {gen} (rows hand-written in the script) | CC0-1.0 |",
        f"| `inputs/feedback.csv` | {len(feedback_topics.INPUTS)} rows: feedback (English and Chinese) | {gen} (rows hand-written in the script) | CC0-1.0 |",
        f"| `inputs/posters.csv` | {len(POSTER_AUDIENCES)} rows: product, colour, audience | {gen} (object and colours taken from plain posters in the dataset, audiences hand-written) | CC0-1.0 |",
        "| `ORIGIN.md` | this file | " + gen + " | CC0-1.0 |",
        "",
        "## How the data is made",
        "",
        "- **Text datasets** are assembled combinatorially from phrase banks in the script",
        "  (24 products, 12 audiences and 10 tones per language for ad copy; 12 request types with",
        "  several message and reply scenarios for support; 7 note types — release notes, incident",
        "  reports, test results, design decisions, performance work, migrations, security fixes —",
        "  for R&D). Facts such as numbers, names and dates are drawn once per example and rendered",
        "  into both the input and the expected output, so outputs are faithful to their inputs.",
        "  One in five Chinese ad-copy and tech-summary examples uses the English task instruction",
        "  with Chinese content, because that is how a batch run renders Chinese CSV rows into the",
        "  task template; the expected answer stays in Chinese.",
        "- **Classification datasets** (ticket intent, review sentiment) hold the rendered task",
        "  prompt as the instruction and the label as the output. Ticket messages are drawn from",
        "  the support message scenarios, grouped into six intents (delivery, refund, billing,",
        "  account, order_change, product_issue); reviews are assembled from per-sentiment phrase",
        "  banks (positive, neutral, negative) with 10 products per language. Each label has 20",
        "  examples per language with a fixed split: 14 train, 2 validation, 4 test.",
        "- **Feedback topics** (multi-label, `feedback_topics.py`) name one to three of five",
        "  product lines (audio, kitchen, lighting, bags, drinkware) through their products; the",
        "  answer lists the lines in label order joined by \", \". Per language 100 examples: 70",
        "  train, 10 validation, 20 test.",
        "- **Posters** cover every combination of 8 objects (bottle, mug, sneaker, phone, handbag,",
        "  lamp, watch, headphones) and 8 background colours (red, orange, yellow, green, teal,",
        "  blue, purple, pink) twice, with the object colour, an optional vertical gradient, an",
        "  optional top or bottom band and an optional sun accent chosen per image. The caption",
        "  states exactly what is drawn. Shapes are drawn at 512 px and downsampled to 128 px.",
        "- **Batch inputs** for the text tasks are hand-written rows that do not occur in the",
        "  datasets (some products and audiences are new, to show generalisation). The poster",
        "  inputs reuse object/colour pairs of plain posters, so the rendered image prompt matches",
        "  a training caption exactly.",
        "",
    ]
    return "\n".join(lines)


def main() -> int:
    ad, support, tech = build_ad_copy(), build_support(), build_tech()
    specs = poster_specs()[:N_POSTERS]
    posters = build_posters(specs)
    tasks = build_tasks()
    check(ad, support, tech, posters, tasks)
    tickets, reviews = build_ticket_intent(), build_review_sentiment()
    check_decisions(tickets, reviews)
    feedback = feedback_topics.build(rng_for("feedback-topics"))
    feedback_topics.check(feedback)
    write_jsonl(DATASETS / "feedback-topics.jsonl", feedback)
    write_jsonl(DATASETS / "ticket-intent.jsonl", tickets)
    write_jsonl(DATASETS / "review-sentiment.jsonl", reviews)
    write_jsonl(DATASETS / "ad-copy.jsonl", ad)
    write_jsonl(DATASETS / "support-replies.jsonl", support)
    write_jsonl(DATASETS / "tech-summaries.jsonl", tech)
    build_inputs(specs)
    write_text(ROOT / "tasks.json", json.dumps(tasks, ensure_ascii=False, indent=2) + "\n")
    counts = {"tasks": len(tasks), "ad": len(ad), "support": len(support), "tech": len(tech), "posters": len(posters),
              "tickets": len(tickets), "reviews": len(reviews), "feedback": len(feedback)}
    write_text(ROOT / "ORIGIN.md", origin_md(counts))
    print(json.dumps(counts), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
