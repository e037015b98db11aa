//! The vocabulary of the seeded agency: names, categories and the phrases
//! entries are described with, including the vague ones hygiene flags.

use rand::Rng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;

const FIRST: &[&str] = &[
    "Ada", "Ben", "Chiara", "Dmitri", "Elif", "Felix", "Grace", "Hugo", "Ines", "Jonas", "Kira",
    "Lars", "Maya", "Nils", "Olga", "Pavel", "Quinn", "Rosa", "Sami", "Tara", "Uwe", "Vera", "Wen",
    "Yara",
];
const LAST: &[&str] = &[
    "Albers",
    "Brandt",
    "Castro",
    "Dietz",
    "Eriksen",
    "Fischer",
    "Garcia",
    "Hansen",
    "Ito",
    "Jung",
    "Keller",
    "Lindqvist",
    "Moreau",
    "Novak",
    "Okafor",
    "Peters",
    "Quist",
    "Richter",
    "Schmidt",
    "Tanaka",
    "Ulrich",
    "Vogel",
    "Weber",
    "Zimmer",
];
const COMPANY_FIRST: &[&str] = &[
    "Blue",
    "Harbor",
    "Cedar",
    "Summit",
    "Copper",
    "Lumen",
    "Granite",
    "Willow",
    "Atlas",
    "Juniper",
    "Meridian",
    "Orchid",
    "Pioneer",
    "Quartz",
    "Riverside",
    "Silver",
];
const COMPANY_LAST: &[&str] = &[
    "Foods",
    "Logistics",
    "Health",
    "Bank",
    "Robotics",
    "Books",
    "Energy",
    "Travel",
    "Studios",
    "Outfitters",
    "Labs",
    "Insurance",
    "Gardens",
    "Motors",
    "Media",
    "Bakery",
];

/// Categories and whether each is internal (never billable, never shown to
/// clients). The last internal one doubles as meetings on client projects.
pub const CATEGORIES: &[(&str, bool)] = &[
    ("Design", false),
    ("Development", false),
    ("Copywriting", false),
    ("Strategy", false),
    ("Project management", false),
    ("QA and testing", false),
    ("Admin", true),
    ("Training", true),
    ("Internal meeting", true),
];

pub const PROJECT_KINDS: &[&str] = &[
    "website relaunch",
    "brand refresh",
    "mobile app",
    "retainer",
    "SEO audit",
    "intranet",
    "online shop",
    "spring campaign",
];

/// Milestones in project order; those starting with "Internal" stay in
/// staff views.
pub const MILESTONES: &[&str] = &[
    "Kick-off workshop",
    "Discovery findings",
    "Internal design critique",
    "Design sign-off",
    "Beta release",
    "Launch",
];

/// Entry lengths in minutes; short ones are common, long focus blocks rare.
pub const DURATIONS: &[i64] = &[15, 15, 30, 30, 45, 60, 60, 60, 90, 90, 120, 150, 180, 240];

pub const NOTES: &[&str] = &[
    "Overran: the client changed the brief mid-call.",
    "Half of this was waiting for staging to deploy.",
    "Could be written off if they push back.",
    "Pairing with a junior, slower on purpose.",
];

const WORK: &[&str] = &[
    "Wireframes for",
    "Visual design of",
    "Review of",
    "Implementing",
    "Bug fixes in",
    "Copy for",
    "Testing",
    "Planning",
    "Client call about",
    "Accessibility pass over",
    "Performance work on",
    "Research for",
];
const OBJECTS: &[&str] = &[
    "the homepage",
    "checkout",
    "the onboarding flow",
    "the pricing page",
    "mobile navigation",
    "the dashboard",
    "search results",
    "account settings",
    "the newsletter template",
    "the product pages",
    "the contact form",
    "the style guide",
];
const DETAILS: &[&str] = &[
    "after client feedback",
    "second round",
    "with the client",
    "follow-up from standup",
    "edge cases",
];
const INTERNAL_WORK: &[&str] = &[
    "Weekly team meeting",
    "Timesheets and invoicing prep",
    "Hiring interviews",
    "Conference talk preparation",
    "Tooling upgrades",
    "One-to-one",
    "Estimating a new lead",
];
/// What hygiene is there to catch.
const VAGUE: &[&str] = &["misc", "stuff", "work", "meeting", "fixes", "various"];

pub fn person(index: usize) -> String {
    let (first, last) = name_parts(index);
    match index / (FIRST.len() * LAST.len()) {
        0 => format!("{first} {last}"),
        n => format!("{first} {last} {}", n + 1),
    }
}

pub fn email(index: usize, domain: &str) -> String {
    let (first, last) = name_parts(index);
    let first = first.to_lowercase();
    let last = last.to_lowercase();
    match index / (FIRST.len() * LAST.len()) {
        0 => format!("{first}.{last}@{domain}"),
        n => format!("{first}.{last}{}@{domain}", n + 1),
    }
}

fn name_parts(index: usize) -> (&'static str, &'static str) {
    // Stepping the last name by a prime spreads first names across families.
    let first = FIRST[index % FIRST.len()];
    let last = LAST[(index / FIRST.len() + index * 7) % LAST.len()];
    (first, last)
}

pub fn company(index: usize) -> String {
    let pairs = COMPANY_FIRST.len() * COMPANY_LAST.len();
    let first = COMPANY_FIRST[index % COMPANY_FIRST.len()];
    let last = COMPANY_LAST[(index / COMPANY_FIRST.len() + index * 5) % COMPANY_LAST.len()];
    match index / pairs {
        0 => format!("{first} {last}"),
        n => format!("{first} {last} {}", n + 1),
    }
}

/// A description as people write them: mostly specific, sometimes vague.
pub fn description(rng: &mut StdRng, internal: bool) -> String {
    let pick = |rng: &mut StdRng, list: &[&'static str]| *list.choose(rng).expect("not empty");
    if rng.gen_ratio(1, 30) {
        return pick(rng, VAGUE).to_owned();
    }
    if internal {
        return pick(rng, INTERNAL_WORK).to_owned();
    }
    let work = pick(rng, WORK);
    let object = pick(rng, OBJECTS);
    if rng.gen_ratio(1, 4) {
        format!("{work} {object}, {}", pick(rng, DETAILS))
    } else {
        format!("{work} {object}")
    }
}
