"""PII detection: each kind found and redacted, look-alikes left alone."""
from __future__ import annotations

import pytest

from engine.data import pii


@pytest.mark.parametrize("text, kind", [
    ("请发到 zhang.san@example.com.cn 谢谢", "email"),
    ("手机 13812345678 随时联系", "phone"),
    ("call +86 138-1234-5678", "phone"),
    ("办公室 010-62345678", "phone"),
    ("London office +44 20 7946 0958", "phone"),
    ("身份证号 11010519491231002X 已登记", "id_card"),
    ("卡号 6222 0202 0000 0005，请核对", "bank_card"),
    ("visa 4111111111111111", "bank_card"),
    ("服务器 192.168.10.254 宕机", "ip"),
    ("v6 地址 2001:db8::ff00:42:8329", "ip"),
])
def test_each_kind_found_and_redacted(text, kind):
    redacted, counts = pii.redact(text)
    assert counts == {kind: 1}
    assert pii.PLACEHOLDER[kind] in redacted


@pytest.mark.parametrize("text", [
    "订单号 20240101123456 已发货",           # 14 digits, not Luhn, not an ID
    "身份证号 110105194912310021 写错了",      # bad checksum
    "身份证号 110105194913310028",            # month 13
    "卡号 6222 0202 0000 0006",              # fails Luhn
    "版本 1.2.3.4.5 和时间 12:30:45",
    "价格 999.99 元，库存 300.1.2",
])
def test_look_alikes_are_not_pii(text):
    assert pii.find(text) == []


def test_id_checksum_and_luhn():
    assert pii.valid_id_card("11010519491231002X") and not pii.valid_id_card("110105194912310021")
    assert pii.luhn("4111111111111111") and not pii.luhn("4111111111111112")


def test_several_in_one_text_keep_order():
    text = "张三 13812345678，邮箱 a@b.cn，IP 10.0.0.1"
    assert [k for k, *_ in pii.find(text)] == ["phone", "email", "ip"]
    assert pii.redact(text)[0] == "张三 [PHONE]，邮箱 [EMAIL]，IP [IP]"
