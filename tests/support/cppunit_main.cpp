// One main for every CppUnit suite: runs all registered tests, exit code 1 on any failure
// so that CTest sees it. An optional argument names one test or suite to run.
#include <cppunit/CompilerOutputter.h>
#include <cppunit/TestResult.h>
#include <cppunit/TestResultCollector.h>
#include <cppunit/TestRunner.h>
#include <cppunit/BriefTestProgressListener.h>
#include <cppunit/extensions/TestFactoryRegistry.h>

#include <iostream>

int main(int argc, char** argv) {
    CppUnit::TestResult controller;
    CppUnit::TestResultCollector collected;
    controller.addListener(&collected);
    CppUnit::BriefTestProgressListener progress;
    controller.addListener(&progress);

    CppUnit::TestRunner runner;
    runner.addTest(CppUnit::TestFactoryRegistry::getRegistry().makeTest());
    try {
        runner.run(controller, argc > 1 ? argv[1] : "");
    } catch (const std::invalid_argument& e) {
        std::cerr << "no test named " << (argc > 1 ? argv[1] : "") << ": " << e.what() << "\n";
        return 2;
    }
    CppUnit::CompilerOutputter outputter(&collected, std::cerr);
    outputter.write();
    return collected.wasSuccessful() ? 0 : 1;
}
