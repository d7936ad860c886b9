"""A small bundled synonym lexicon (Chinese and English) for offline augmentation.

Words a department's prompts use often: requests, products, qualities, tone.
"""

SYNONYMS: dict[str, list[str]] = {
    # Chinese
    "写": ["撰写", "编写"], "撰写": ["写", "编写"], "一句": ["一条", "一则"], "一段": ["一篇", "一则"],
    "广告语": ["宣传语", "广告词"], "文案": ["宣传文字", "推广文案"], "产品": ["商品", "货品"],
    "商品": ["产品", "货品"], "介绍": ["说明", "描述"], "描述": ["介绍", "说明"], "简短": ["简洁", "精炼"],
    "简洁": ["简短", "精炼"], "客户": ["顾客", "用户"], "顾客": ["客户", "用户"], "用户": ["客户", "使用者"],
    "回复": ["答复", "回应"], "答复": ["回复", "回应"], "问题": ["疑问", "提问"], "快速": ["迅速", "尽快"],
    "优惠": ["折扣", "特惠"], "新款": ["新品", "最新款"], "新品": ["新款", "新产品"], "适合": ["适用于", "适宜"],
    "年轻": ["年青", "青年"], "温暖": ["暖心", "温馨"], "专业": ["内行", "专精"], "总结": ["概括", "归纳"],
    "概括": ["总结", "归纳"], "翻译": ["译成", "转译"], "生成": ["创作", "产出"], "海报": ["宣传画", "招贴"],
    "礼貌": ["客气", "有礼"], "耐心": ["细心", "耐心地"], "帮助": ["协助", "帮忙"], "提供": ["给出", "供应"],
    "推荐": ["推介", "建议"], "购买": ["选购", "入手"], "价格": ["售价", "价钱"], "质量": ["品质", "质地"],
    # English
    "write": ["compose", "draft"], "short": ["brief", "concise"], "brief": ["short", "concise"],
    "product": ["item", "offering"], "customer": ["client", "buyer"], "reply": ["response", "answer"],
    "answer": ["reply", "response"], "summarise": ["summarize", "condense"], "summarize": ["summarise", "condense"],
    "describe": ["explain", "present"], "new": ["latest", "fresh"], "friendly": ["warm", "approachable"],
    "help": ["assist", "support"], "quick": ["fast", "rapid"], "slogan": ["tagline", "catchphrase"],
    "ad": ["advert", "advertisement"], "copy": ["text", "wording"], "price": ["cost", "pricing"],
    "quality": ["grade", "standard"], "buy": ["purchase", "get"], "recommend": ["suggest", "advise"],
    "explain": ["describe", "clarify"], "translate": ["render", "convert"], "polite": ["courteous", "respectful"],
}
