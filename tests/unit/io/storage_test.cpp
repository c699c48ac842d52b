// Local storage: path resolution, existence of files, directories and globs, unsupported types.
#include "io_test_support.hpp"
#include "storage/path_glob.hpp"
#include <gtest/gtest.h>

#include "odibi/common/error.hpp"

namespace odibi::io::testing {
namespace {

using StorageTest = IoTest;

TEST_F(StorageTest, ResolvesRelativeAbsoluteAndUriPaths) {
    EXPECT_EQ(storage_->Name(), "local_data");
    EXPECT_EQ(storage_->Resolve("landing/customers.csv"), (root_ / "landing/customers.csv").string());
    EXPECT_EQ(storage_->Resolve("./landing/../raw/x.csv"), (root_ / "raw/x.csv").string());
    EXPECT_EQ(storage_->Resolve("/elsewhere/file.csv"), "/elsewhere/file.csv");
    EXPECT_EQ(storage_->Resolve("abfss://c@a.dfs.core.windows.net/x.csv"), "abfss://c@a.dfs.core.windows.net/x.csv");
    EXPECT_EQ(storage_->Resolve("landing/dir/"), (root_ / "landing/dir").string());
    EXPECT_TRUE(storage_->IsLocalFileSystem());
}

TEST_F(StorageTest, UriBasePathJoinsAsText) {
    config::ConnectionConfig remote = connection_config_;
    remote.base_path = "dbfs:/mnt/bronze/";
    auto storage = OpenStorage(remote);
    EXPECT_EQ(storage->Resolve("/orders/x.parquet"), "dbfs:/mnt/bronze/orders/x.parquet");
    EXPECT_FALSE(storage->IsLocalFileSystem());
    EXPECT_FALSE(storage->Exists(storage->Resolve("orders")));
}

TEST_F(StorageTest, RelativeBasePathIsMadeAbsolute) {
    config::ConnectionConfig relative = connection_config_;
    relative.base_path = "some/relative/dir";
    auto storage = OpenStorage(relative);
    EXPECT_EQ(storage->Resolve("a.csv"), (fs::current_path() / "some/relative/dir/a.csv").string());
}

TEST_F(StorageTest, ExistsForFilesDirectoriesAndGlobs) {
    WriteText("in/a.csv", "x\n1\n");
    WriteText("in/deep/er/b.csv", "x\n2\n");
    WriteText("in/c.json", "{}");
    EXPECT_TRUE(storage_->Exists(storage_->Resolve("in/a.csv")));
    EXPECT_TRUE(storage_->Exists(storage_->Resolve("in")));
    EXPECT_TRUE(storage_->IsDirectory(storage_->Resolve("in")));
    EXPECT_FALSE(storage_->IsDirectory(storage_->Resolve("in/a.csv")));
    EXPECT_FALSE(storage_->Exists(storage_->Resolve("in/missing.csv")));
    EXPECT_TRUE(storage_->Exists(storage_->Resolve("in/*.csv")));
    EXPECT_FALSE(storage_->Exists(storage_->Resolve("in/*.parquet")));
    EXPECT_TRUE(storage_->Exists(storage_->Resolve("in/**/b.csv")));
    EXPECT_FALSE(storage_->Exists(storage_->Resolve("nowhere/*.csv")));
    EXPECT_EQ(storage_->ListDirectory(storage_->Resolve("in")), (std::vector<std::string>{"a.csv", "c.json", "deep"}));
}

TEST_F(StorageTest, RecursiveGlobMatchesEveryDepthIncludingZero) {
    WriteText("d/top.csv", "");
    WriteText("d/k=1/mid.csv", "");
    WriteText("d/k=1/j=2/low.csv", "");
    WriteText("d/k=1/j=2/other.txt", "");
    auto matches = ExpandGlob((root_ / "d/**/*.csv").string(), 100);
    EXPECT_EQ(matches,
              (std::vector<std::string>{(root_ / "d/k=1/j=2/low.csv").string(),
                                        (root_ / "d/k=1/mid.csv").string(),
                                        (root_ / "d/top.csv").string()}));
    EXPECT_EQ(ExpandGlob((root_ / "d/*/mid.csv").string(), 100).size(), 1u);
    EXPECT_EQ(ExpandGlob((root_ / "d/**").string(), 100).size(), 4u);
    EXPECT_EQ(ExpandGlob((root_ / "d/**/*.csv").string(), 1).size(), 1u);
    EXPECT_EQ(GlobBaseDirectory((root_ / "d/**/*.csv").string()), (root_ / "d").string());
}

TEST_F(StorageTest, ClassifiesGlobsAndUris) {
    EXPECT_TRUE(HasGlob("/a/*.csv"));
    EXPECT_TRUE(HasGlob("/a/file?.csv"));
    EXPECT_FALSE(HasGlob("/a/b.csv"));
    EXPECT_TRUE(IsUri("s3://bucket/x"));
    EXPECT_TRUE(IsUri("dbfs:/mnt/x"));
    EXPECT_FALSE(IsUri("C:/data/x.csv"));
    EXPECT_FALSE(IsUri("/data/x:y.csv"));
}

TEST_F(StorageTest, OtherConnectionTypesAreNotSupportedYet) {
    config::ConnectionConfig blob;
    blob.name = "lake";
    blob.type = config::ConnectionType::AZURE_BLOB;
    blob.type_name = "azure_adls";
    blob.config_path = "connections.lake";
    Error error = CaptureError([&] { static_cast<void>(OpenStorage(blob)); });
    EXPECT_EQ(error.Code(), ErrorCode::NOT_SUPPORTED_YET);
    EXPECT_NE(error.Message().find("\"lake\""), std::string::npos) << error.Message();
    EXPECT_NE(error.Message().find("\"azure_adls\""), std::string::npos) << error.Message();
    EXPECT_EQ(error.Location().path, "connections.lake");
}

} // namespace
} // namespace odibi::io::testing
