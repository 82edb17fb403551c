"""Request bodies as the mobile clients send them (DESIGN.md §6)."""

import copy

# The filing body of DESIGN.md §6, exactly as printed there.
DESIGN_BODY = {
    "applicant": {"name": "张三", "id_number": "11010519491231002X", "phone": "13800138000"},
    "employer": {"name": "某某制造有限公司", "uscc": "91350100M000100Y43"},
    "employment": {
        "start_date": "2023-03-01",
        "end_date": None,
        "job": "操作工",
        "monthly_wage": "6500.00",
    },
    "categories": ["wage_arrears"],
    "claims": [{"category": "wage_arrears", "amount": "13000.00", "description": "两个月工资"}],
    "facts": "…",
    "workers_involved": 1,
    "lost_job": False,
    "priority_groups": [],
    "preferred_tier": None,
    "channel": "app",
}

# worker1's own details, as on the demo account.
WORKER1_APPLICANT = {"name": "李明", "id_number": "441802199003150013", "phone": "13800138001"}


def body(**changes) -> dict:
    """The design's body as a worker filing for themself sends it (no ``applicant``)."""
    result = copy.deepcopy(DESIGN_BODY)
    del result["applicant"]
    result.update(changes)
    return result
