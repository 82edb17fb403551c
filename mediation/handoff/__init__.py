"""Hand-offs at the end of mediation: the worker's application for labour arbitration
(劳动人事争议仲裁申请书) and for a payment order (支付令申请书), prepared from the case, edited
by the worker or staff on their behalf, printed as PDF; and staff recording that the
arbitration application was handed to the commission."""
