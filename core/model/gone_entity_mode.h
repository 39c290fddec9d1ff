#pragma once

namespace relaysync::core {

// What a terminal does with an entry whose entity is gone (patent Fig. 16, two embodiments).
enum class GoneEntityMode {
    remove,  // delete the entry everywhere (deleteResource)
    mark,    // keep it with status "file not found"; it recovers when the entity returns
};

}  // namespace relaysync::core
