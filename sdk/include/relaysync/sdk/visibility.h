#pragma once
// Plugins build with hidden visibility. The SDK interface classes stay visible so their
// typeinfo is shared between core and plugins.
#define RELAYSYNC_SDK_VISIBLE __attribute__((visibility("default")))
