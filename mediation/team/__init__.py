"""The lead mediator's team: each mediator's load, the cases waiting, and assigning them
(``cases.assignment``)."""
