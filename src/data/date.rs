//! A calendar date: checked on creation, from a Unix timestamp (`SOURCE_DATE_EPOCH`) or
//! from text, and the years a report may name.

use super::*;

/// A calendar date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Date {
    /// The year, 1900–2100 where it comes from `city.toml`.
    pub year: i32,
    /// 1–12.
    pub month: u8,
    /// 1–31, a day of that month.
    pub day: u8,
}

impl Date {
    /// The date, if it is a day of the calendar.
    pub fn new(year: i32, month: u8, day: u8) -> Option<Self> {
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
        let days = [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
        let last = *days.get(usize::from(month).checked_sub(1)?)?;
        (1..=last).contains(&day).then_some(Self { year, month, day })
    }

    /// The UTC date of a Unix timestamp (as in `SOURCE_DATE_EPOCH`).
    pub fn from_unix(secs: i64) -> Self {
        // Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
        let z = secs.div_euclid(86_400) + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Self { year, month, day }
    }
}

impl std::str::FromStr for Date {
    type Err = String;

    /// `2023-06-30`, or a number of seconds since 1970 (UTC), as in `SOURCE_DATE_EPOCH`.
    fn from_str(s: &str) -> Result<Self, String> {
        let s = s.trim();
        let wrong =
            || format!("`{s}` is neither a date such as 2023-06-30 nor a number of seconds since 1970");
        let in_years = |d: Self| {
            if YEARS.contains(&d.year) {
                Ok(d)
            } else {
                Err(format!(
                    "`{s}` is in the year {}: a report's date is in {}–{}",
                    d.year,
                    YEARS.start(),
                    YEARS.end()
                ))
            }
        };
        if let Ok(secs) = s.parse::<i64>() {
            // Past ±10^12 s the year is far outside YEARS; clamping keeps the arithmetic sound.
            return in_years(Self::from_unix(secs.clamp(-1_000_000_000_000, 1_000_000_000_000)));
        }
        let mut parts = s.splitn(3, '-');
        let mut next = || parts.next().filter(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
        let (Some(y), Some(m), Some(d)) = (next(), next(), next()) else { return Err(wrong()) };
        let (year, month, day) = (
            y.parse().map_err(|_| wrong())?,
            m.parse().map_err(|_| wrong())?,
            d.parse().map_err(|_| wrong())?,
        );
        in_years(Self::new(year, month, day).ok_or_else(|| format!("{s} is not a day of the calendar"))?)
    }
}

/// The years a report may name: a four-digit year the PDF's date and the templates can hold,
/// and wide enough for any report of the project.
pub(super) const YEARS: std::ops::RangeInclusive<i32> = 1900..=2100;
