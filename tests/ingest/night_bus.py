"""A three-paragraph story in our own words, shared by extraction tests that put furniture around it."""

STORY = (
    "<p>The night bus from the harbour to the hospital will run every twenty minutes from March, "
    "the transport board said on Tuesday, after nurses on the late shift asked for a bus to rely on.</p>"
    "<p>Until now the route ran once an hour after ten in the evening, and the last bus left before the "
    "night shift ended, so many staff walked the two miles home along the unlit coast road.</p>"
    "<p>The board will pay for the extra buses from the parking charges at the hospital, which rose last "
    "year, and expects the first of them to run on the first Monday of the month.</p>"
)
