"""A demand history from the public hospital set, for worked examples."""

# a series of the hospital set (``expsmooth_hospital_monthly.csv``, its first 60 months):
# about 200 a month, two of its five years at about 90, then 200 again; forecast 224 a month
HOSPITAL_SERIES = [
    194, 184, 208, 190, 217, 211, 212, 195, 209, 181, 228, 185, 73, 74, 100, 91, 91, 112, 125,
    113, 93, 91, 73, 72, 77, 89, 87, 81, 102, 74, 107, 106, 78, 100, 95, 80, 183, 175, 201,
    210, 172, 193, 206, 205, 172, 182, 185, 170, 197, 189, 201, 208, 199, 207, 204, 202, 206,
    207, 210, 228,
]  # fmt: skip
