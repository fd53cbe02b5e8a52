"""The closure letter's wording as first installed; administrators change it in the administration
site (LetterTemplate). Kept apart from the models so the migration that installs it can import it."""

DEFAULT_BODY = """Dear {{ contact_name }},

Your case with the {{ team }} has now closed. We would like to know what it was like for you: what
worked well, what could have been better, and anything that was missing. What families tell us
helps us improve our services for everyone.

You can tell us in the way that suits you:

- Online: go to {{ feedback_address }} and enter your code {{ code }}, or scan the square code on
  this letter with a phone camera. You do not need an account.
- By telephone: ring the team on the number at the top of this letter.
- By letter: write to us at the address at the top of this letter.
- In person: ask for an interview, at a time and place that suit you.

Someone from the service may also telephone you in the next few months to ask how it went. You do
not have to take part, and saying no will not affect any help you get now or later.

Your code works until {{ expires_on }}.

If anything you tell us makes us worried about a child's safety, we will pass it on to the people
whose job is to keep children safe.

Thank you for your time."""

DEFAULT_SLIP = """This part is for you.

We want to know what you think about the help you had. Was it good? What could be better?

Go to {{ feedback_address }} and type in your own code: {{ code }}

Or scan the square code with a phone. It only takes a few minutes."""

DEFAULT_WORDING = {
    "subject": "Tell us what you think of our service",
    "body": DEFAULT_BODY,
    "child_slip": DEFAULT_SLIP,
}
