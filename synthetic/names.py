"""What people and groups are called: names from many cultures, companies, emails, group names and purposes.

Names are drawn from a dozen naming cultures, with some families crossing them, so the dashboards meet
accents and apostrophes as real programmes do. Every email is unique by construction (it carries the
member id), because the domain refuses a second member with the same address.
"""

from __future__ import annotations

import random
import unicodedata

CULTURES = [
    (
        "James Olivia Emma Oliver Charlotte Harry Amelia George Sophie Jack Rachel David Helen Simon",
        "Smith Jones Taylor Brown Williams Wilson Clarke Walker Wright Hughes Turner Bennett Fletcher",
    ),
    (
        "María José Carlos Lucía Javier Sofía Diego Valentina Alejandro Camila Andrés Paula",
        "García Martínez Rodríguez López Hernández González Pérez Sánchez Ramírez Torres Castillo",
    ),
    (
        "Lukas Anna Jonas Lena Felix Katharina Maximilian Julia Stefan Sabine Jürgen Ute",
        "Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Hoffmann Schäfer Krüger",
    ),
    (
        "Camille Louis Chloé Hugo Manon Julien Élodie Antoine Margaux Théo Hélène Mathieu",
        "Martin Bernard Dubois Durand Lefèvre Moreau Laurent Girard Rousseau Fontaine Mercier",
    ),
    (
        "Priya Arjun Ananya Rahul Kavya Vikram Aditi Rohan Meera Sanjay Deepa Nikhil",
        "Sharma Patel Iyer Reddy Gupta Nair Mehta Rao Kapoor Banerjee Chatterjee Joshi",
    ),
    ("Wei Na Jun Mei Hao Xin Yan Lei Ying Jing Tao Lan", "Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Lin"),
    (
        "Haruto Yui Sota Aoi Ren Hina Takumi Sakura Kenji Yuki Daiki Emi",
        "Sato Suzuki Takahashi Tanaka Watanabe Ito Yamamoto Nakamura Kobayashi Kato",
    ),
    (
        "Chinedu Ngozi Oluwaseun Adaeze Emeka Funmilayo Tunde Chiamaka Kwame Ama Kofi Efua",
        "Okafor Adeyemi Okonkwo Balogun Eze Nwosu Mensah Owusu Abubakar Olatunji Asante",
    ),
    (
        "Omar Layla Youssef Nour Karim Fatima Hassan Rania Khalid Amira Tariq Salma",
        "Haddad Khoury Mansour Nasser Saleh Farouk Hamdan Aziz Rahman Qureshi Najjar",
    ),
    (
        "Erik Ingrid Lars Astrid Magnus Sigrid Nils Freja Henrik Maja Søren Linnea",
        "Johansson Andersson Nilsson Larsen Hansen Nielsen Lindqvist Berg Eriksen Halvorsen Sørensen",
    ),
    (
        "Piotr Agnieszka Tomasz Katarzyna Michał Magdalena Paweł Zofia Krzysztof Joanna",
        "Nowak Kowalski Wiśniewski Wójcik Kamiński Lewandowski Zieliński Szymański Dąbrowski",
    ),
    ("Siobhán Ciarán Aoife Declan Niamh Cormac Gráinne Seán", "O'Brien O'Connor Murphy Kelly Byrne Walsh Doyle"),
    ("Min-jun Seo-yeon Ji-ho Ha-eun Do-yun Su-bin", "Kim Lee Park Choi Jung Kang Yoon"),
    ("João Ana Pedro Beatriz Rafael Mariana Tiago Inês", "Silva Santos Oliveira Souza Costa Ferreira Almeida"),
]
CULTURES = [(first.split(), last.split()) for first, last in CULTURES]

COMPANY_STARTS = (
    "North Blue Iron Silver Oak Harbor Summit Bright Clear Red Stone Maple Cedar Granite Pioneer "
    "Atlas Beacon Crescent Evergreen Falcon Meridian Orchard Lighthouse Copper Willow"
).split()
COMPANY_JOINS = ("", "", "field", "ridge", "gate", "point", "bridge", "stone", "wood", "way")
COMPANY_ENDS = (
    *"Logistics Foods Analytics Construction Health Software Engineering Partners".split(),
    *"Manufacturing Hospitality Architecture Capital Retail Energy Labs Media Security".split(),
    *"Freight Packaging Legal Print Clinics Robotics Interiors".split(),
    "Dental Group",
    "Family Farms",
    "Home Care",
)
TITLES = (
    "CEO",
    "CEO",
    "Founder & CEO",
    "Managing Director",
    "President",
    "Owner",
    "Co-founder",
    "Chief Operating Officer",
    "Executive Director",
    "Managing Partner",
    "General Manager",
    "CFO",
)
PLACES = (
    *"Riverside Harbourview Northgate Lakeshore Hillcrest Westbrook Eastfield Southbank Oakridge".split(),
    *"Pinecrest Midtown Bayside Highland Meadowlands Kingsway Marina Parkside Stonebridge".split(),
    "Old Town",
    "Canal Street",
)
GROUP_KINDS = (
    "Forum",
    "Circle",
    "Roundtable",
    "CEO Group",
    "Leaders Circle",
    "Peer Board",
    "Founders Forum",
    "Executive Circle",
)
PURPOSES = (
    "Peer advisory for founders of companies with 20 to 100 staff",
    "A confidential board of peers for second-generation family-business owners",
    "CEOs of scale-ups working through their next funding round",
    "Women leading professional-services firms",
    "Owners preparing for succession or exit",
    "Leaders of non-profits and social enterprises",
    "Technology founders past product-market fit",
    "Managing directors of regional manufacturers",
    "First-time CEOs in their first three years in the role",
)


def invent_name(rng: random.Random) -> tuple[str, str]:
    firsts, lasts = rng.choice(CULTURES)
    if rng.random() < 0.15:  # families and marriages cross cultures
        lasts = rng.choice(CULTURES)[1]
    return rng.choice(firsts), rng.choice(lasts)


def register_member(rng: random.Random, member_id: str) -> dict:
    """The register_member command of a new member: a name, usually a company, usually a title."""
    first, last = invent_name(rng)
    if rng.random() < 0.8:
        company = f"{rng.choice(COMPANY_STARTS)}{rng.choice(COMPANY_JOINS)} {rng.choice(COMPANY_ENDS)}"
    else:
        company = f"{last} & {rng.choice(rng.choice(CULTURES)[1])}"
    command = {
        "type": "register_member",
        "member": member_id,
        "name": f"{first} {last}",
        "email": email_address(first, last, member_id, company),
    }
    if rng.random() < 0.95:
        command["company"] = company
    if rng.random() < 0.9:
        command["title"] = rng.choice(TITLES)
    return command


def email_address(first: str, last: str, member_id: str, company: str | None) -> str:
    """first.last plus the member id, which makes it unique; at the company's domain when there is one."""
    domain = f"{_slug(company, '-')}.example.com" if company else "mail.example.org"
    return f"{_slug(first)}.{_slug(last)}.{member_id.replace('-', '').lower()}@{domain}"


ASCII_FOR = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "æ": "ae", "ß": "ss", "đ": "d"})


def _slug(text: str, between: str = "") -> str:
    plain = unicodedata.normalize("NFKD", text.translate(ASCII_FOR)).encode("ascii", "ignore").decode()
    words = ["".join(c for c in word if c.isalnum()) for word in plain.lower().split()]
    return between.join(w for w in words if w)


def group_name(number: int) -> str:
    """Unique per group number: the place-kind pairs are walked in a scattered order, then numbered."""
    pairs = len(PLACES) * len(GROUP_KINDS)
    pair = (number * 37) % pairs  # 37 is prime to the pair count, so this visits every pair once
    name = f"{PLACES[pair % len(PLACES)]} {GROUP_KINDS[pair // len(PLACES)]}"
    return name if number <= pairs else f"{name} {_roman((number - 1) // pairs + 1)}"


def _roman(number: int) -> str:
    out = ""
    for value, letters in (
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ):
        count, number = divmod(number, value)
        out += letters * count
    return out
