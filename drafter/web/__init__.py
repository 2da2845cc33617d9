"""`drafter serve`: the questionnaire as a local web page.

A thin Flask layer over the library: the form is generated from the `Question`
model and every answer goes through the interview session, exactly as in the
terminal. Flask is imported only here, and only `drafter serve` imports this
package, so `drafter --help` and `drafter render` never pay for it.

Layout: `app.create_app` is the application factory; one blueprint per concern
(`pick` the template list, `form` the questionnaire, `results` preview and
downloads); `security` is the gate every request passes; `workspace` holds what
one run may open; page templates and static files ship in the wheel.
"""
