"""Personal data in text: e-mail, phone numbers (incl. mainland China mobiles), Chinese resident
ID numbers (checksum verified), bank cards (Luhn verified), IP addresses. Find, count, redact.
"""
from __future__ import annotations

import ipaddress
import re
from datetime import date

KINDS = ("email", "id_card", "bank_card", "phone", "ip")
PLACEHOLDER = {"email": "[EMAIL]", "id_card": "[ID]", "bank_card": "[CARD]", "phone": "[PHONE]", "ip": "[IP]"}

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
ID_CARD = re.compile(r"(?<![0-9A-Za-z])[1-9]\d{16}[\dXx](?![0-9A-Za-z])")
BANK_CARD = re.compile(r"(?<![\d+-])(?:\d[ -]?){12,18}\d(?![\d-])")
PHONE = re.compile(r"(?<![\d+])(?:(?:\+|00)86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?!\d)"
                   r"|(?<![\d+])0\d{2,3}-\d{7,8}(?!\d)"
                   r"|(?<![\d+])\+(?!86)\d{1,3}[- ]?\(?\d{1,4}\)?(?:[- ]?\d{2,4}){2,3}(?!\d)")
IPV4 = re.compile(r"(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?![\d.])")
IPV6 = re.compile(r"(?<![0-9A-Fa-f:])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![0-9A-Fa-f:])")

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"


def valid_id_card(number: str) -> bool:
    """GB 11643: 17 digits, a plausible birth date, and the ISO 7064 MOD 11-2 check character."""
    number = number.upper()
    if len(number) != 18 or not number[:17].isdigit():
        return False
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    if not date(1900, 1, 1) <= born <= date.today():
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], ID_WEIGHTS))
    return ID_CHECK[total % 11] == number[17]


def luhn(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def find(text: str) -> list[tuple[str, int, int]]:
    """(kind, start, end) of every personal datum, without overlaps, in text order."""
    spans: list[tuple[str, int, int]] = []

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for _, s, e in spans)

    for match in EMAIL.finditer(text):
        spans.append(("email", match.start(), match.end()))
    for match in ID_CARD.finditer(text):
        if valid_id_card(match.group()) and free(match.start(), match.end()):
            spans.append(("id_card", match.start(), match.end()))
    for match in BANK_CARD.finditer(text):
        digits = re.sub(r"[ -]", "", match.group())
        if 13 <= len(digits) <= 19 and luhn(digits) and free(match.start(), match.end()) \
                and not re.fullmatch(r"(?:86)?1[3-9]\d{9}", digits):
            spans.append(("bank_card", match.start(), match.end()))
    for match in PHONE.finditer(text):
        if free(match.start(), match.end()):
            spans.append(("phone", match.start(), match.end()))
    for match in IPV4.finditer(text):
        if free(match.start(), match.end()):
            spans.append(("ip", match.start(), match.end()))
    for match in IPV6.finditer(text):
        candidate = match.group()
        if candidate.count(":") >= 2 and free(match.start(), match.end()):
            try:
                ipaddress.IPv6Address(candidate)
            except ValueError:
                continue
            spans.append(("ip", match.start(), match.end()))
    return sorted(spans, key=lambda s: s[1])


def redact(text: str) -> tuple[str, dict[str, int]]:
    """Text with each datum replaced by its placeholder, and counts per kind."""
    spans = find(text)
    if not spans:
        return text, {}
    counts: dict[str, int] = {}
    parts, last = [], 0
    for kind, start, end in spans:
        parts.append(text[last:start])
        parts.append(PLACEHOLDER[kind])
        counts[kind] = counts.get(kind, 0) + 1
        last = end
    parts.append(text[last:])
    return "".join(parts), counts
