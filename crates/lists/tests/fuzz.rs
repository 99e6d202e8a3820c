//! Property tests: every parser returns an error, never panics, on arbitrary or damaged input.

use chokepoint_lists::{parse, Format, InputFile, Limits};
use proptest::prelude::*;

fn all_formats(bytes: &[u8]) {
    let input = InputFile {
        name: "fuzz".into(),
        bytes: bytes.to_vec(),
    };
    let _ = parse(
        std::slice::from_ref(&input),
        None,
        Limits {
            max_inflated: 1 << 20,
        },
    );
    for f in Format::ALL {
        let _ = parse(
            std::slice::from_ref(&input),
            Some(f),
            Limits {
                max_inflated: 1 << 20,
            },
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        all_formats(&bytes);
    }

    #[test]
    fn damaged_headers(cut in 0usize..600, junk in "[\\x00-\\x7f]{0,40}") {
        // Real file starts, cut short and followed by junk.
        for head in [
            "_id,source,entity_number,type,programs,name,title,addresses,federal_register_notice,start_date,end_date,standard_order,license_requirement,license_policy,call_sign,vessel_type,gross_tonnage,gross_registered_tonnage,vessel_flag,vessel_owner,remarks,source_list_url,alt_names,citizenships,dates_of_birth,nationalities,places_of_birth,source_information_url,ids\n1,x,1,Individual,P,\"DOE, John\",,,,,,,,,,,,,,,,,a;b,,1965-13-40,,,,\n",
            "Last Updated,14/04/2025\nName 6,Name 1,Name 2,Name 3,Name 4,Name 5,Title,DOB,Town of Birth,Country of Birth,Nationality,Passport Details,Position,Address 1,Address 2,Address 3,Address 4,Address 5,Address 6,Post/Zip Code,Country,Other Information,Group Type,Alias Type,Regime,Listed On,Last Updated,Group ID\nDOE,John,,,,,,99/99/9999,,,,,,,,,,,,,,(UN Ref):X,Individual,AKA,R,01/01/2020,01/01/2020,1\n",
            "<CONSOLIDATED_LIST dateGenerated=\"2026-02-27\"><INDIVIDUALS><INDIVIDUAL><DATAID>1</DATAID><FIRST_NAME>A</FIRST_NAME><INDIVIDUAL_DATE_OF_BIRTH><DATE>1965-02-30</DATE></INDIVIDUAL_DATE_OF_BIRTH></INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>",
            "36,\"AEROCARIBBEAN AIRLINES\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"DOB 31 Feb 1960; a.k.a. 'X'.\"\n",
        ] {
            let mut b = head.as_bytes()[..cut.min(head.len())].to_vec();
            b.extend_from_slice(junk.as_bytes());
            all_formats(&b);
        }
    }
}
