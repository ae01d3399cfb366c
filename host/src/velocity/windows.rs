//! Time buckets and windows, and the layout of bucketed field names.
//!
//! Times are Unix seconds and may be zero or negative: bucket numbers use floor division, so
//! bucket `b` of resolution `r` always covers `[b * r, (b + 1) * r)`.

/// The width of a time bucket.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Res {
    /// Five minutes (300 s).
    Min5,
    /// One hour.
    Hour,
    /// One day (86 400 s).
    Day,
}

impl Res {
    /// Every resolution, shortest first.
    pub const ALL: [Res; 3] = [Res::Min5, Res::Hour, Res::Day];

    /// The bucket width in seconds.
    pub const fn seconds(self) -> i64 {
        match self {
            Res::Min5 => 300,
            Res::Hour => 3600,
            Res::Day => 86_400,
        }
    }

    /// The letter that marks this resolution in a field name.
    pub const fn letter(self) -> &'static str {
        match self {
            Res::Min5 => "m",
            Res::Hour => "h",
            Res::Day => "d",
        }
    }

    /// The resolution a field-name letter stands for.
    pub fn from_letter(s: &str) -> Option<Res> {
        Res::ALL.into_iter().find(|r| r.letter() == s)
    }

    /// The bucket holding time `t` (floor division, correct for negative times).
    pub const fn bucket(self, t: i64) -> i64 {
        t.div_euclid(self.seconds())
    }

    /// The first second of bucket `b`.
    pub const fn start(self, b: i64) -> i64 {
        b.saturating_mul(self.seconds())
    }

    /// How many buckets of this resolution the longest window reading it spans: older buckets
    /// can be deleted.
    pub const fn retained(self) -> i64 {
        match self {
            Res::Min5 => Window::Hourly.buckets_len(),
            Res::Hour => Window::Weekly.buckets_len(),
            Res::Day => Window::Yearly.buckets_len(),
        }
    }

    /// The oldest bucket any window can still read at `now`.
    pub const fn oldest_readable(self, now: i64) -> i64 {
        self.bucket(now) - self.retained() + 1
    }
}

/// A window a feature reads: a number of buckets ending with the current (partial) bucket, or
/// all time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Window {
    /// The last 12 five-minute buckets (`_hourly`).
    Hourly,
    /// The last 24 one-hour buckets (`_daily`, `_1d`).
    Daily,
    /// The last 168 one-hour buckets (`_weekly`, `_7d`).
    Weekly,
    /// The last 30 one-day buckets (`_30d`).
    Days30,
    /// The last 365 one-day buckets (`_yearly`).
    Yearly,
    /// Everything (`_all_time`): read from all-time total fields, not buckets.
    AllTime,
}

impl Window {
    /// The bucket resolution, `None` for [`Window::AllTime`].
    pub const fn res(self) -> Option<Res> {
        match self {
            Window::Hourly => Some(Res::Min5),
            Window::Daily | Window::Weekly => Some(Res::Hour),
            Window::Days30 | Window::Yearly => Some(Res::Day),
            Window::AllTime => None,
        }
    }

    /// The number of buckets (0 for [`Window::AllTime`]).
    pub const fn buckets_len(self) -> i64 {
        match self {
            Window::Hourly => 12,
            Window::Daily => 24,
            Window::Weekly => 168,
            Window::Days30 => 30,
            Window::Yearly => 365,
            Window::AllTime => 0,
        }
    }

    /// The inclusive range of buckets the window covers at `now`, `None` for all time.
    pub fn buckets(self, now: i64) -> Option<(Res, i64, i64)> {
        let res = self.res()?;
        let last = res.bucket(now);
        Some((res, last - self.buckets_len() + 1, last))
    }

    /// Whether an event at time `t` falls in the window read at `now` (`t <= now` assumed).
    pub fn covers(self, now: i64, t: i64) -> bool {
        match self.buckets(now) {
            None => true,
            Some((res, first, last)) => (first..=last).contains(&res.bucket(t)),
        }
    }
}

/// A parsed field name: `<metric>:t` (all time), `<metric>:<res>:<bucket>` (a bucket total) or
/// `<metric>:<res>:<bucket>:<member>` (a member of a distinct set), or a plain name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field<'a> {
    /// An all-time total, or a field with no time in it (`first`).
    Plain(&'a str),
    /// A bucket's total (or a bucket set's member count).
    Bucket { metric: &'a str, res: Res, bucket: i64 },
    /// A member of a bucket's distinct set.
    Member { metric: &'a str, res: Res, bucket: i64, member: &'a str },
}

impl<'a> Field<'a> {
    /// Parses a field name; anything not bucketed is [`Field::Plain`].
    pub fn parse(name: &'a str) -> Field<'a> {
        let mut parts = name.splitn(4, ':');
        let (Some(metric), Some(res), Some(bucket)) = (parts.next(), parts.next(), parts.next()) else {
            return Field::Plain(name);
        };
        let (Some(res), Ok(bucket)) = (Res::from_letter(res), bucket.parse::<i64>()) else {
            return Field::Plain(name);
        };
        match parts.next() {
            None => Field::Bucket { metric, res, bucket },
            Some(member) => Field::Member { metric, res, bucket, member },
        }
    }

    /// The bucket the field belongs to, if it is bucketed.
    pub fn bucket(&self) -> Option<(Res, i64)> {
        match *self {
            Field::Plain(_) => None,
            Field::Bucket { res, bucket, .. } | Field::Member { res, bucket, .. } => Some((res, bucket)),
        }
    }
}

/// The name of bucket `b`'s field for `metric`.
pub fn bucket_field(metric: &str, res: Res, b: i64) -> String {
    format!("{metric}:{}:{b}", res.letter())
}

/// The name of `metric`'s all-time total.
pub fn total_field(metric: &str) -> String {
    format!("{metric}:t")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_at_exact_boundaries() {
        assert_eq!(Res::Min5.bucket(0), 0);
        assert_eq!(Res::Min5.bucket(299), 0);
        assert_eq!(Res::Min5.bucket(300), 1);
        assert_eq!(Res::Hour.bucket(3599), 0);
        assert_eq!(Res::Hour.bucket(3600), 1);
        assert_eq!(Res::Day.bucket(86_399), 0);
        assert_eq!(Res::Day.bucket(86_400), 1);
        assert_eq!(Res::Hour.start(Res::Hour.bucket(7300)), 7200);
    }

    #[test]
    fn negative_times_floor() {
        assert_eq!(Res::Min5.bucket(-1), -1);
        assert_eq!(Res::Min5.bucket(-300), -1);
        assert_eq!(Res::Min5.bucket(-301), -2);
        assert_eq!(Res::Day.bucket(-86_400), -1);
        assert_eq!(Res::Day.start(-1), -86_400);
    }

    #[test]
    fn hourly_window_is_twelve_buckets_including_the_current_one() {
        // Read at 3600 (the first second of bucket 12): buckets 1..=12, i.e. times 300..3899.
        assert_eq!(Window::Hourly.buckets(3600), Some((Res::Min5, 1, 12)));
        assert!(Window::Hourly.covers(3600, 300));
        assert!(!Window::Hourly.covers(3600, 299));
        assert!(Window::Hourly.covers(3600, 3600));
        // Read at the last second of a bucket: the window still starts at a bucket edge.
        assert!(Window::Hourly.covers(3899, 300));
        assert!(!Window::Hourly.covers(3900, 599));
        assert!(Window::Hourly.covers(3900, 600));
    }

    #[test]
    fn other_windows_span_their_buckets() {
        assert_eq!(Window::Daily.buckets(0), Some((Res::Hour, -23, 0)));
        assert_eq!(Window::Weekly.buckets(-1), Some((Res::Hour, -168, -1)));
        assert_eq!(Window::Days30.buckets(86_400 * 30), Some((Res::Day, 1, 30)));
        assert_eq!(Window::Yearly.buckets(86_399), Some((Res::Day, -364, 0)));
        assert_eq!(Window::AllTime.buckets(5), None);
        assert!(Window::AllTime.covers(5, i64::MIN));
        assert!(Window::Weekly.covers(168 * 3600 - 1, 0));
        assert!(!Window::Weekly.covers(168 * 3600, 3599));
    }

    #[test]
    fn retention_matches_the_longest_window() {
        assert_eq!(Res::Min5.oldest_readable(3600), 1);
        assert_eq!(Res::Hour.oldest_readable(0), -167);
        assert_eq!(Res::Day.oldest_readable(-1), -365);
    }

    #[test]
    fn field_names_round_trip() {
        assert_eq!(
            Field::parse(&bucket_field("ca", Res::Hour, -3)),
            Field::Bucket { metric: "ca", res: Res::Hour, bucket: -3 }
        );
        assert_eq!(
            Field::parse("s.card:m:7:00ff"),
            Field::Member { metric: "s.card", res: Res::Min5, bucket: 7, member: "00ff" }
        );
        assert_eq!(Field::parse(&total_field("ca")), Field::Plain("ca:t"));
        assert_eq!(Field::parse("first"), Field::Plain("first"));
        assert_eq!(Field::parse("x:q:1"), Field::Plain("x:q:1"));
        assert_eq!(Field::parse("x:h:one"), Field::Plain("x:h:one"));
    }
}
