"""The retention report for admins (个人信息保护法 第十九条, 第四十七条; mediation.retention)."""

from flask import render_template

from mediation.retention.report import retention_report


def report():
    return render_template("admin/retention.html", **retention_report())
