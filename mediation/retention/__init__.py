"""Retention of personal data in closed cases, and its anonymisation when the period ends.

The law: personal information is kept no longer than its purpose needs (个人信息保护法
第十九条: 除法律、行政法规另有规定外，个人信息的保存期限应当为实现处理目的所必要的最短时间),
and when the retention period has expired the handler deletes it on its own initiative; where
deletion is technically hard, it stops all processing but storage and security (第四十七条
第一款第（二）项 and 第二款). Here the closed case itself is kept for the figures and as the
organisation's record, and its personal data is erased from it: what is left can no longer
identify the worker or anyone else in the dispute (anonymised, 第七十三条第（四）项).

The periods (``config.RETENTION_YEARS``, per outcome, in years, counted from archiving, or
from closing for a case never archived; ``rules``):

- resolved, 3 years: the agreement may still be enforced or sued on; the general limitation
  for civil claims is three years (民法典 第一百八十八条);
- unresolved, 3 years: the worker may still go to arbitration and then to court;
- withdrawn and declined, 1 year: the limitation for arbitration is one year (劳动争议调解仲裁法
  第二十七条第一款), and the application proves it was interrupted (同条第二款).

An outcome without a period is kept. A case whose re-employment referral is still open is
kept until the referral ends (the data still serves its purpose).

What is erased and what stays is listed field by field in ``operations``; the sweep that
finds the cases due is ``sweep.run`` (``flask retention run``, and the worker once a day);
admins read the rules, what falls due and what was erased at ``/admin/retention``.
"""
