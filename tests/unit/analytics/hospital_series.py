"""A demand history from the public hospital set, for worked examples."""

# a series of the hospital set (``expsmooth_hospital_monthly.csv``, its first 60 months):
# about 200 a month, two of its five years at about 90, then 200 again; forecast 224 a month
HOSPITAL_SERIES = [
    194, 184, 208, 190, 217, 211, 212, 195, 209, 181, 228, 185, 73, 74, 100, 91, 91, 112, 125,
    113, 93, 91, 73, 72, 77, 89, 87, 81, 102, 74, 107, 106, 78, 100, 95, 80, 183, 175, 201,
    210, 172, 193, 206, 205, 172, 182, 185, 170, 197, 189, 201, 208, 199, 207, 204, 202, 206,
    207, 210, 228,
]  # fmt: skip

# another (its first 60 months): smooth, about 67 a month for three years, then 58; its next
# twelve months came in at 49 to 60, steadier than its history
STEADY_SERIES = [
    53, 76, 63, 60, 49, 71, 62, 70, 70, 67, 63, 69, 72, 38, 69, 66, 63, 56, 67, 81, 65, 69, 60,
    70, 79, 71, 60, 81, 73, 61, 42, 79, 58, 70, 52, 47, 53, 50, 60, 60, 57, 62, 68, 71, 67, 62,
    57, 53, 61, 66, 49, 51, 69, 53, 69, 51, 58, 56, 48, 65,
]  # fmt: skip
STEADY_NEXT = [57, 49, 54, 50, 55, 60, 52, 57, 57, 57, 52, 58]
