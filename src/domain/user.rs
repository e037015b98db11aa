//! Staff accounts and what each role may do.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::{Invalid, UserId};

/// Staff roles, from most to least privileged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Owner,
    Admin,
    Manager,
    Member,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Owner, Role::Admin, Role::Manager, Role::Member];

    /// Managers and above see and edit everyone's time on every project.
    pub fn sees_all_time(self) -> bool {
        self <= Role::Manager
    }

    /// Admins and above change agency settings, users and locked periods.
    pub fn is_admin(self) -> bool {
        self <= Role::Admin
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Admin => "admin",
            Role::Manager => "manager",
            Role::Member => "member",
        }
    }

    pub fn parse(raw: &str) -> Result<Role, Invalid> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "owner" => Ok(Role::Owner),
            "admin" => Ok(Role::Admin),
            "manager" => Ok(Role::Manager),
            "member" => Ok(Role::Member),
            _ => Err(Invalid::new(
                "role",
                "must be owner, admin, manager or member",
            )),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct User {
    pub id: UserId,
    pub email: String,
    pub name: String,
    pub role: Role,
    /// A PHC string (argon2id); empty for an account that cannot sign in yet.
    pub password_hash: String,
    /// What an hour of this person costs the agency, in minor units. Internal.
    pub cost_rate: Option<i64>,
    /// The default billing rate per hour, in minor units.
    pub default_rate: Option<i64>,
    pub disabled: bool,
    pub created_at: Timestamp,
}

/// Lower-cases and checks an email address enough to catch typos; delivery
/// is the real test.
pub fn normalize_email(raw: &str) -> Result<String, Invalid> {
    let email = raw.trim().to_ascii_lowercase();
    let valid = email.len() <= 254
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains('@')
        })
        && !email
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>'));
    if valid {
        Ok(email)
    } else {
        Err(Invalid::new(
            "email",
            "must be an address such as ana@example.com",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_are_ordered_by_privilege() {
        assert!(Role::Owner.is_admin() && Role::Admin.is_admin());
        assert!(!Role::Manager.is_admin() && Role::Manager.sees_all_time());
        assert!(!Role::Member.sees_all_time());
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()).unwrap(), role);
        }
        assert!(Role::parse("root").is_err());
    }

    #[test]
    fn emails_are_normalized_and_checked() {
        assert_eq!(
            normalize_email(" Ana@Example.COM ").unwrap(),
            "ana@example.com"
        );
        for bad in [
            "",
            "ana",
            "ana@",
            "@x.com",
            "ana@localhost",
            "a b@x.com",
            "a@x.com.",
        ] {
            assert!(normalize_email(bad).is_err(), "{bad}");
        }
    }
}

/// Who is acting: enough to decide what they may see and change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Actor {
    pub id: UserId,
    pub role: Role,
}

impl User {
    pub fn actor(&self) -> Actor {
        Actor {
            id: self.id,
            role: self.role,
        }
    }
}

/// Whether `actor` may give someone `to`, who had `from` (none for a new
/// account). Only an owner makes or unmakes owners.
pub fn check_role_change(actor: Role, from: Option<Role>, to: Role) -> Result<(), Invalid> {
    let touches_owner = to == Role::Owner || from == Some(Role::Owner);
    if touches_owner && actor != Role::Owner {
        return Err(Invalid::new(
            "role",
            "only an owner can make or change an owner",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod role_change_tests {
    use super::*;

    #[test]
    fn only_owners_touch_the_owner_role() {
        assert!(check_role_change(Role::Admin, None, Role::Manager).is_ok());
        assert!(check_role_change(Role::Admin, Some(Role::Member), Role::Admin).is_ok());
        assert!(check_role_change(Role::Admin, None, Role::Owner).is_err());
        assert!(check_role_change(Role::Admin, Some(Role::Owner), Role::Admin).is_err());
        assert!(check_role_change(Role::Owner, Some(Role::Owner), Role::Admin).is_ok());
    }
}
