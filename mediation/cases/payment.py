"""The payment-order route (劳动争议调解仲裁法 第十六条)."""

from mediation.models import Case, Category

# An agreement about these that the employer does not pay can go to a court for a payment order.
PAYMENT_ORDER_CATEGORIES = frozenset(
    {Category.wage_arrears, Category.work_injury, Category.dismissal_compensation}
)


def payment_order_applies(case: Case) -> bool:
    agreement = case.agreement
    return bool(
        agreement is not None
        and agreement.amount > 0
        and PAYMENT_ORDER_CATEGORIES & set(case.categories)
    )
