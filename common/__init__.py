"""The portal's bottom layer: what every app uses the same way (GOV.UK forms, dates, pagination,
the staff page mixin, rate limits, status tags, keeping what people typed, privacy headers and body
limits, the personal data registry). It imports no portal app."""
