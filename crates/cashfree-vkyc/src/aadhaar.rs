//! Aadhaar details sent with a Verification Suite initiate, which skips
//! the DigiLocker step for the user.

use crate::error::ValidationError;
use cashfree_vkyc_raw::verification_suite::types as vs_raw;

/// The user's gender as Aadhaar records it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Gender {
    /// `M`
    Male,
    /// `F`
    Female,
    /// `O`
    Other,
}

/// An Aadhaar address (`split_address`). The fields Cashfree requires are
/// checked when the request is built: house, street, district, state,
/// pincode and country.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AadhaarAddress {
    house: Option<String>,
    street: Option<String>,
    vtc: Option<String>,
    po: Option<String>,
    subdist: Option<String>,
    dist: Option<String>,
    state: Option<String>,
    pincode: Option<u32>,
    country: Option<String>,
}

macro_rules! setters {
    ($ty:ident { $($field:ident: $doc:literal),* $(,)? }) => {
        impl $ty {
            $(
                #[doc = $doc]
                pub fn $field(mut self, value: impl Into<String>) -> Self {
                    self.$field = Some(value.into());
                    self
                }
            )*
        }
    };
}

setters!(AadhaarAddress {
    house: "House, building or apartment.",
    street: "Street, road or lane.",
    vtc: "Village, town or city.",
    po: "Post office.",
    subdist: "Sub-district.",
    dist: "District.",
    state: "State.",
    country: "Country.",
});

impl AadhaarAddress {
    /// An empty address; fill it with the setters.
    pub fn new() -> Self {
        Self::default()
    }

    /// The six-digit PIN code.
    pub fn pincode(mut self, pincode: u32) -> Self {
        self.pincode = Some(pincode);
        self
    }
}

/// What Aadhaar says of the user (`aadhaar_details`). Every field but the
/// year of birth is required by Cashfree; a missing one is a
/// [`ValidationError`] naming it, before anything is sent.
///
/// ```
/// use cashfree_vkyc::{AadhaarAddress, AadhaarDetails, Gender, VerificationSuiteInitiateRequest};
///
/// let aadhaar = AadhaarDetails::new()
///     .name("Rahul Kumar")
///     .dob("02-02-1995")
///     .gender(Gender::Male)
///     .care_of("S/O Suresh Kumar")
///     .photo_link("https://merchant.example/aadhaar/photo.jpg")
///     .last_verified_at("2025-05-07T15:04:05Z")
///     .address(
///         AadhaarAddress::new()
///             .house("12").street("MG Road").dist("Pune").state("Maharashtra")
///             .pincode(411001).country("India"),
///     );
/// let request = VerificationSuiteInitiateRequest::for_user_id("vkyc_0001", "USER827364")
///     .aadhaar_details(aadhaar);
/// # let _ = request;
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AadhaarDetails {
    name: Option<String>,
    dob: Option<String>,
    gender: Option<Gender>,
    care_of: Option<String>,
    photo_link: Option<String>,
    last_verified_at: Option<String>,
    year_of_birth: Option<i64>,
    address: Option<AadhaarAddress>,
}

setters!(AadhaarDetails {
    name: "The name on the Aadhaar.",
    dob: "Date of birth, written `DD-MM-YYYY` as Cashfree takes it.",
    care_of: "Care-of (`S/O ...`, `D/O ...`).",
    photo_link: "A link to the Aadhaar photo, hosted by you.",
    last_verified_at: "When you last verified the Aadhaar (RFC 3339).",
});

impl AadhaarDetails {
    /// Empty details; fill them with the setters.
    pub fn new() -> Self {
        Self::default()
    }

    /// The gender.
    pub fn gender(mut self, gender: Gender) -> Self {
        self.gender = Some(gender);
        self
    }

    /// The year of birth.
    pub fn year_of_birth(mut self, year: i64) -> Self {
        self.year_of_birth = Some(year);
        self
    }

    /// The address.
    pub fn address(mut self, address: AadhaarAddress) -> Self {
        self.address = Some(address);
        self
    }

    pub(crate) fn to_raw(&self) -> Result<vs_raw::AadhaarDetails, ValidationError> {
        fn need<T: Clone>(value: &Option<T>, field: &str) -> Result<T, ValidationError> {
            value.clone().ok_or_else(|| {
                ValidationError::new(format!("aadhaar_details.{field}"), "is required")
            })
        }
        let address = need(&self.address, "split_address")?;
        let dob = need(&self.dob, "dob")?;
        Ok(vs_raw::AadhaarDetails {
            name: need(&self.name, "name")?,
            dob: check_dob(dob)?,
            gender: match need(&self.gender, "gender")? {
                Gender::Male => vs_raw::AadhaarDetailsGender::M,
                Gender::Female => vs_raw::AadhaarDetailsGender::F,
                Gender::Other => vs_raw::AadhaarDetailsGender::O,
            },
            care_of: need(&self.care_of, "care_of")?,
            photo_link: need(&self.photo_link, "photo_link")?,
            last_verified_at: need(&self.last_verified_at, "last_verified_at")?,
            year_of_birth: self.year_of_birth,
            split_address: vs_raw::Address {
                house: need(&address.house, "split_address.house")?,
                street: need(&address.street, "split_address.street")?,
                vtc: address.vtc.clone(),
                po: address.po.clone(),
                subdist: address.subdist.clone(),
                dist: need(&address.dist, "split_address.dist")?,
                state: need(&address.state, "split_address.state")?,
                pincode: i64::from(need(&address.pincode, "split_address.pincode")?),
                country: need(&address.country, "split_address.country")?,
            },
        })
    }
}

/// The page's pattern, `^[0-9]{2}-[0-9]{2}-[0-9]{4}$`, and a date that
/// exists.
fn check_dob(dob: String) -> Result<String, ValidationError> {
    let shaped = dob.len() == 10
        && dob.bytes().enumerate().all(|(i, b)| match i {
            2 | 5 => b == b'-',
            _ => b.is_ascii_digit(),
        });
    if shaped && is_calendar_date(&dob) {
        Ok(dob)
    } else {
        Err(ValidationError::new(
            "aadhaar_details.dob",
            "must be a date written DD-MM-YYYY",
        ))
    }
}

/// Whether `DD-MM-YYYY` (ten bytes, digits where digits belong) names a
/// day of the proleptic Gregorian calendar. Three numbers and a leap-year
/// rule: not worth a date library in every user's build.
fn is_calendar_date(dob: &str) -> bool {
    let number = |range: std::ops::Range<usize>| dob[range].parse::<u32>().unwrap_or(0);
    let (day, month, year) = (number(0..2), number(3..5), number(6..10));
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn complete() -> AadhaarDetails {
        AadhaarDetails::new()
            .name("N")
            .dob("02-02-1995")
            .gender(Gender::Other)
            .care_of("C")
            .photo_link("https://x.example/p.jpg")
            .last_verified_at("2025-05-07T15:04:05Z")
            .address(
                AadhaarAddress::new()
                    .house("1")
                    .street("S")
                    .dist("D")
                    .state("St")
                    .pincode(411001)
                    .country("India"),
            )
    }

    #[test]
    fn converts_with_cashfrees_names_and_checks_what_is_required() {
        let raw = serde_json::to_value(complete().to_raw().unwrap()).unwrap();
        assert_eq!(raw["gender"], "O");
        assert_eq!(raw["split_address"]["pincode"], 411001);
        assert_eq!(raw["dob"], "02-02-1995");
        for wrong in ["1995-02-02", "2-2-1995", "31-02-1995", "02-02-1995 "] {
            let e = complete().dob(wrong).to_raw().unwrap_err();
            assert_eq!(e.field, "aadhaar_details.dob", "{wrong}");
        }
        let e = complete()
            .address(AadhaarAddress::new().house("1"))
            .to_raw()
            .unwrap_err();
        assert_eq!(e.field, "aadhaar_details.split_address.street");
        let e = AadhaarDetails::new().to_raw().unwrap_err();
        assert!(e.field.starts_with("aadhaar_details."), "{e}");
    }

    #[test]
    fn calendar_dates_agree_with_chrono() {
        // Every day and month number from 00 to 32 and 00 to 13, in years
        // around each leap-year rule and the ends of four digits.
        let years = [
            0, 1, 4, 1600, 1700, 1900, 1995, 1996, 2000, 2023, 2024, 2100, 2400, 9999,
        ];
        let mut checked = 0;
        for year in years {
            for month in 0..=13 {
                for day in 0..=32 {
                    let dob = format!("{day:02}-{month:02}-{year:04}");
                    let chrono = chrono::NaiveDate::parse_from_str(&dob, "%d-%m-%Y").is_ok();
                    assert_eq!(is_calendar_date(&dob), chrono, "{dob}");
                    assert_eq!(check_dob(dob.clone()).is_ok(), chrono, "{dob}");
                    checked += usize::from(chrono);
                }
            }
        }
        assert_eq!(checked, 365 * 14 + 7, "seven leap years among them");
    }
}
