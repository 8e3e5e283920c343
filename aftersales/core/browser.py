"""Signing in through the sign-in page in a Playwright browser context: what the browser
tests and `aftersales screenshots` do before they open a page."""


def browser_sign_in(context, username: str, password: str, page=None):
    """Sign `username` in on a new page of `context` (or on `page`) and return the page,
    settled. A refused password leaves the page on the sign-in form."""
    page = page or context.new_page()
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click(".form-footer button")
    page.wait_for_load_state("networkidle")
    return page
