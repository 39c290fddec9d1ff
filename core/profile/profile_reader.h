#pragma once
// Turns a parsed profile document into a Profile, section by section, checking every key and
// the rules that tie sections together (a terminal needs a relay; a relay has no stores).
// Internal to the profile loader.

#include "profile/profile.h"
#include "profile/yaml_field.h"

namespace relaysync::core {

Profile readProfile(const YamlField& document);

}  // namespace relaysync::core
