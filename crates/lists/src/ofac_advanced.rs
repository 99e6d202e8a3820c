//! OFAC advanced XML (`sdn_advanced.xml`, `cons_advanced.xml`; schema `sdn_advanced.xsd`).
//!
//! The format is normalised: names, features, locations, documents, sanctions entries and
//! relationships live in separate sections tied together by ids, and every coded value is
//! defined in `ReferenceValueSets`. The file is read whole and joined here.

use crate::error::{ParseError, Result};
use crate::ofac_common::{apply_id, assemble_parts, period_to_spec};
use crate::xml::{Node, XmlReader};
use crate::{clean, Format, ParsedList};
use chokepoint_model::{push_unique, Address, Entity, Kind, Link, Name, NameQuality};
use std::collections::HashMap;

struct Refs<'a> {
    values: HashMap<(&'a str, &'a str), &'a Node>,
}

impl<'a> Refs<'a> {
    fn new(root: &'a Node) -> Refs<'a> {
        let mut values = HashMap::new();
        if let Some(rvs) = root.child("ReferenceValueSets") {
            for set in &rvs.children {
                for v in &set.children {
                    if let Some(id) = v.attr("ID") {
                        values.insert((v.name.as_str(), id), v);
                    }
                }
            }
        }
        Refs { values }
    }
    fn node(&self, kind: &str, id: Option<&str>) -> Option<&'a Node> {
        self.values.get(&(kind, id?)).copied()
    }
    fn text(&self, kind: &str, id: Option<&str>) -> Option<&'a str> {
        self.node(kind, id).and_then(|n| n.value())
    }
    fn country_iso(&self, id: Option<&str>) -> Option<String> {
        let c = self.node("Country", id)?;
        c.attr("ISO2").map(str::to_string).or_else(|| {
            c.value()
                .and_then(chokepoint_model::country::to_iso2)
                .map(str::to_string)
        })
    }
}

fn ymd(n: &Node) -> Option<(i32, u8, u8)> {
    Some((
        n.text_of("Year")?.parse().ok()?,
        n.text_of("Month")?.parse().ok()?,
        n.text_of("Day")?.parse().ok()?,
    ))
}

/// Parses an OFAC advanced XML file.
pub fn parse(file: &str, bytes: &[u8]) -> Result<ParsedList> {
    let mut r = XmlReader::new(file, bytes)?;
    let root = r.read_all()?;
    let refs = Refs::new(&root);
    let list_date = root
        .child("DateOfIssue")
        .and_then(ymd)
        .map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}"));

    let locations: HashMap<&str, &Node> = root
        .all(&["Locations", "Location"])
        .into_iter()
        .filter_map(|l| Some((l.attr("ID")?, l)))
        .collect();
    let mut docs: HashMap<&str, Vec<&Node>> = HashMap::new();
    for d in root.all(&["IDRegDocuments", "IDRegDocument"]) {
        if let Some(i) = d.attr("IdentityID") {
            docs.entry(i).or_default().push(d);
        }
    }
    let mut entries: HashMap<&str, Vec<&Node>> = HashMap::new();
    for s in root.all(&["SanctionsEntries", "SanctionsEntry"]) {
        if let Some(p) = s.attr("ProfileID") {
            entries.entry(p).or_default().push(s);
        }
    }
    let mut rels: HashMap<&str, Vec<&Node>> = HashMap::new();
    for p in root.all(&["ProfileRelationships", "ProfileRelationship"]) {
        if let Some(f) = p.attr("From-ProfileID") {
            rels.entry(f).or_default().push(p);
        }
    }

    let mut entities = Vec::new();
    let mut on_sdn = 0usize;
    for party in root.all(&["DistinctParties", "DistinctParty"]) {
        let fixed = party
            .attr("FixedRef")
            .ok_or_else(|| r.node_err(party, "DistinctParty", "missing FixedRef"))?;
        let rec = || format!("DistinctParty FixedRef={fixed}");
        let profile = party
            .child("Profile")
            .ok_or_else(|| r.node_err(party, rec(), "missing <Profile>"))?;
        let sub = refs.node("PartySubType", profile.attr("PartySubTypeID"));
        let sub_name = sub.and_then(|s| s.value()).unwrap_or("");
        let party_type = refs
            .text("PartyType", sub.and_then(|s| s.attr("PartyTypeID")))
            .unwrap_or("");
        let kind = match (party_type, sub_name) {
            ("Individual", _) => Kind::Person,
            ("Entity", _) => Kind::Organization,
            (_, "Vessel") => Kind::Vessel,
            (_, "Aircraft") => Kind::Aircraft,
            _ => Kind::Unknown,
        };
        let mut names: Vec<Name> = Vec::new();
        let mut identity_ids = Vec::new();
        for identity in profile.children("Identity") {
            identity_ids.extend(identity.attr("ID"));
            let groups: HashMap<&str, &str> = identity
                .all(&["NamePartGroups", "MasterNamePartGroup", "NamePartGroup"])
                .into_iter()
                .filter_map(|g| {
                    Some((
                        g.attr("ID")?,
                        refs.text("NamePartType", g.attr("NamePartTypeID"))?,
                    ))
                })
                .collect();
            for alias in identity.children("Alias") {
                let primary = alias.attr("Primary") == Some("true")
                    && identity.attr("Primary") != Some("false");
                let low = alias.attr("LowQuality") == Some("true");
                let alias_type = refs
                    .text("AliasType", alias.attr("AliasTypeID"))
                    .map(|t| t.to_ascii_lowercase().replace('.', ""));
                for dn in alias.children("DocumentedName") {
                    let mut parts = Vec::new();
                    let mut script = None;
                    for v in dn.all(&["DocumentedNamePart", "NamePartValue"]) {
                        let t = groups
                            .get(v.attr("NamePartGroupID").unwrap_or(""))
                            .copied()
                            .unwrap_or("Name");
                        script = script.or_else(|| {
                            refs.node("Script", v.attr("ScriptID"))
                                .and_then(|s| s.attr("ScriptCode"))
                        });
                        parts.push((t.to_string(), v.text.clone()));
                    }
                    let (full, np) = assemble_parts(&parts);
                    if full.is_empty() {
                        continue;
                    }
                    let quality =
                        if primary && names.iter().all(|n| n.quality != NameQuality::Primary) {
                            NameQuality::Primary
                        } else if low {
                            NameQuality::Low
                        } else {
                            NameQuality::Strong
                        };
                    let mut n = Name::new(clean(&full), quality);
                    n.parts = np;
                    if quality != NameQuality::Primary {
                        n.alias_type = alias_type.clone().filter(|t| t != "name");
                    }
                    if let Some(s) = script {
                        n.script = Some(s.to_string());
                    }
                    names.push(n);
                }
            }
        }
        names.sort_by_key(|n| n.quality != NameQuality::Primary);
        let Some(primary) = names.first() else {
            return Err(r.node_err(party, rec(), "party has no name"));
        };
        let mut e = Entity::new(format!("ofac:{fixed}"), kind, primary.full.clone());
        e.names = vec![];
        for n in names {
            e.add_alias(n);
        }
        for f in profile.children("Feature") {
            let label = refs
                .text("FeatureType", f.attr("FeatureTypeID"))
                .unwrap_or("");
            for v in f.children("FeatureVersion") {
                if let Some(dp) = v.child("DatePeriod") {
                    let start = dp.child("Start");
                    let end = dp.child("End");
                    let from = start.and_then(|s| s.child("From")).and_then(ymd);
                    let to = end.and_then(|s| s.child("To")).and_then(ymd).or(from);
                    let circa = start.and_then(|s| s.attr("Approximate")) == Some("true");
                    if let (Some(f0), Some(t0)) = (from, to) {
                        if let Some(spec) = period_to_spec(f0, t0, circa) {
                            if label.eq_ignore_ascii_case("Birthdate") {
                                if !e.birth_dates.contains(&spec) {
                                    e.birth_dates.push(spec);
                                }
                            } else {
                                apply_id(&mut e, label, &spec.to_string(), None, None);
                            }
                        }
                    }
                }
                for loc in v.children("VersionLocation") {
                    let Some(l) = locations.get(loc.attr("LocationID").unwrap_or("")) else {
                        continue;
                    };
                    let mut a = Address::default();
                    let mut street = Vec::new();
                    for part in l.children("LocationPart") {
                        let t = refs
                            .text("LocPartType", part.attr("LocPartTypeID"))
                            .unwrap_or("");
                        let Some(val) = part
                            .path(&["LocationPartValue", "Value"])
                            .and_then(|n| n.value())
                        else {
                            continue;
                        };
                        match t {
                            "CITY" => a.city = Some(clean(val)),
                            "STATE/PROVINCE" | "REGION" => a.region = Some(clean(val)),
                            "POSTAL CODE" => a.postal_code = Some(clean(val)),
                            _ => street.push(clean(val)),
                        }
                    }
                    if !street.is_empty() {
                        a.street = Some(street.join(", "));
                    }
                    let cid = l.child("LocationCountry").and_then(|c| c.attr("CountryID"));
                    a.country = refs.country_iso(cid);
                    if a.country.is_none() {
                        if let Some(desc) = refs
                            .node(
                                "AreaCode",
                                l.child("LocationAreaCode")
                                    .and_then(|c| c.attr("AreaCodeID")),
                            )
                            .and_then(|n| n.attr("Description"))
                        {
                            a.set_country(desc);
                        }
                    }
                    let l = label.to_ascii_lowercase();
                    if l.contains("citizenship") {
                        e.citizenships
                            .extend(a.country.clone().filter(|c| !e.citizenships.contains(c)));
                    } else if l.contains("nationality country") {
                        e.nationalities
                            .extend(a.country.clone().filter(|c| !e.nationalities.contains(c)));
                    } else if l.contains("place of birth") {
                        push_unique(
                            &mut e.birth_places,
                            [a.city.clone(), a.region.clone(), a.country.clone()]
                                .into_iter()
                                .flatten()
                                .collect::<Vec<_>>()
                                .join(", "),
                        );
                    } else if !a.is_empty() {
                        e.addresses.push(a);
                    }
                }
                for d in v.children("VersionDetail") {
                    let text = d.value().map(str::to_string).or_else(|| {
                        refs.text("DetailReference", d.attr("DetailReferenceID"))
                            .map(str::to_string)
                    });
                    let Some(text) = text else { continue };
                    if label.eq_ignore_ascii_case("Place of Birth") {
                        push_unique(&mut e.birth_places, clean(&text));
                    } else {
                        apply_id(&mut e, label, &text, None, None);
                    }
                }
            }
        }
        for iid in &identity_ids {
            for d in docs.get(iid).map(Vec::as_slice).unwrap_or(&[]) {
                let label = refs
                    .text("IDRegDocType", d.attr("IDRegDocTypeID"))
                    .unwrap_or("Identification");
                let value = d.text_of("IDRegistrationNo").unwrap_or("");
                let country = refs.country_iso(d.attr("IssuedBy-CountryID"));
                let note = (refs.text("Validity", d.attr("ValidityID")) == Some("Fraudulent"))
                    .then(|| "fraudulent".to_string());
                apply_id(&mut e, label, value, country.as_deref(), note);
            }
        }
        let pid = profile.attr("ID").unwrap_or(fixed);
        let mut sdn = false;
        for s in entries.get(pid).map(Vec::as_slice).unwrap_or(&[]) {
            let list = refs.text("List", s.attr("ListID")).unwrap_or("");
            sdn |= list == "SDN List";
            if let Some(d) = s.path(&["EntryEvent", "Date"]).and_then(ymd) {
                let iso = format!("{:04}-{:02}-{:02}", d.0, d.1, d.2);
                if e.listed_on.as_ref().is_none_or(|cur| &iso < cur) {
                    e.listed_on = Some(iso);
                }
            }
            for m in s.children("SanctionsMeasure") {
                if refs.text("SanctionsType", m.attr("SanctionsTypeID")) == Some("Program") {
                    if let Some(p) = m.text_of("Comment") {
                        push_unique(&mut e.programs, p.to_string());
                    }
                }
            }
            if !list.is_empty() {
                push_unique(&mut e.references, list.to_string());
            }
        }
        on_sdn += sdn as usize;
        for rel in rels.get(pid).map(Vec::as_slice).unwrap_or(&[]) {
            let relation = refs
                .text("RelationType", rel.attr("RelationTypeID"))
                .unwrap_or("related to");
            let relation = crate::ofac_common::relation(relation);
            e.links.push(Link {
                relation,
                entity_id: rel.attr("To-ProfileID").map(|t| format!("ofac:{t}")),
                name: None,
            });
        }
        if let Some(c) = party.text_of("Comment") {
            e.remarks.push(clean(c));
        }
        e.source_url = Some("https://sanctionslist.ofac.treas.gov/".into());
        entities.push(e);
    }
    if entities.is_empty() {
        return Err(ParseError::file(
            file,
            "no <DistinctParty> entries: the file holds no list",
        ));
    }
    let source = if on_sdn * 2 > entities.len() {
        "ofac-sdn"
    } else {
        "ofac-cons"
    };
    let records = entities.len();
    Ok(ParsedList {
        source: source.into(),
        format: Format::OfacAdvanced,
        list_date,
        entities,
        records,
        warnings: vec![],
    })
}
